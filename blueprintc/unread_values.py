"""The values given to an upstream chart that it never reads: a slip of the keyboard.

Helm passes everything under an upstream's key to that chart, and a key no template
reads changes nothing, without a word: `serviceMonitor.enable: true` (the chart reads
`enabled`) leaves the ServiceMonitor off. A key given is reported only when all of these
hold, for lint's BPG014 (the Blueprint's values.yaml) and compile's BPP022 (an
Application's config and the overlays):

- the upstream's own values.yaml has defaults at that level (an empty mapping, such as
  `podAnnotations: {}`, takes any key), but not this key;
- exactly one of its keys there is a slip away from it (its case, or one letter added,
  dropped, changed, or two swapped: `blueprintc.spelling`);
- none of the upstream's templates names the key (as `.key` or `"key"`), and its
  values.schema.json does not list it;
- it is not the key of one of the upstream's own subcharts, nor `global`.

Where a template renders the key's map whole (`{{ toYaml .Values.falco }}` into a
configuration file), the key is not unread: it reaches the program that reads that file,
beside the default it was meant to replace, and the finding says so (Falco refuses to
start with both `rules_file` and `rules_files`).

So is a key named with dots that spells a path of the defaults (`image.tag: 1.2`, as
`--set` writes it): Helm does not split a key in a values file, and no template reads
it, unless one asks for it whole (`index .Values "image.tag"`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.spelling import one_slip_apart
from blueprintc.upstream_files import UpstreamFiles
from blueprintc.yamldoc import PathKey


@dataclass(frozen=True)
class Unread:
    path: PathKey  # below the upstream's key
    known: str  # the key of its defaults it is a slip away from, or the dotted path's first
    dotted: bool = False  # one key named with dots (`image.tag`), a path of its defaults
    # The template expression that renders its map whole (`toYaml .Values.falco`): then
    # the key is not read by a template but reaches what reads the output, beside `known`.
    rendered_by: str | None = None


def unread_values(
    given: dict[Any, Any], defaults: dict[Any, Any], files: Callable[[], UpstreamFiles]
) -> Iterator[Unread]:
    """Each key of `given` (the values an upstream is given, below its key) that the
    upstream never reads; `files` reads the upstream's templates, only once a key is a
    candidate."""
    for found in _candidates(given, defaults, ()):
        name = found.path[-1]
        upstream = files()
        if len(found.path) == 1 and name in upstream.subcharts:
            continue  # the upstream's own subchart's values
        if found.dotted:
            if f'"{name}"' in "".join(upstream.texts):
                continue  # read whole, as `index .Values "image.tag"`
        elif upstream.names(name) is not False:
            continue  # a template names it (or none could be read): it may be read
        if f'"{name}"' in upstream.schema:
            continue  # the schema describes it
        whole = None if found.dotted else upstream.renders_whole(found.path[:-1])
        yield dataclasses.replace(found, rendered_by=whole) if whole else found


def _candidates(given: dict[Any, Any], defaults: dict[Any, Any], path: PathKey) -> Iterator[Unread]:
    """Each key of `given` (at `path`) that `defaults` lacks and that is one slip away
    from exactly one of its keys, or names one of its paths with dots; mappings both
    hold are walked into, bar `global`."""
    for name, value in given.items():
        if not isinstance(name, str) or (not path and name == "global"):
            continue
        if name in defaults:
            below = defaults[name]
            if isinstance(value, dict) and isinstance(below, dict) and below:
                yield from _candidates(value, below, (*path, name))
            continue
        parts = name.split(".")
        if len(parts) > 1 and all(parts) and value_at(defaults, parts, _ABSENT) is not _ABSENT:
            yield Unread((*path, name), parts[0], dotted=True)
            continue
        near = [k for k in defaults if isinstance(k, str) and one_slip_apart(name, k)]
        if len(near) == 1:
            yield Unread((*path, name), near[0])


_ABSENT = object()


def dotted_wording(parent: str, name: str, upstream: str) -> tuple[str, str]:
    """The message and hint for a key named with dots under `parent` (a dotted path)."""
    first, _, rest = name.partition(".")
    nested = f"`{first}:` with `{rest}:` below it"
    return (
        f"under `{parent}:`, `{name}:` is one key named with dots, not {nested}: Helm does "
        f"not split a key in a values file as `--set` does, so {upstream} never reads it",
        f"write it nested: {nested}",
    )
