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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from blueprintc.spelling import one_slip_apart
from blueprintc.upstream_files import UpstreamFiles
from blueprintc.yamldoc import PathKey


def unread_values(
    given: dict[Any, Any], defaults: dict[Any, Any], files: Callable[[], UpstreamFiles]
) -> Iterator[tuple[PathKey, str]]:
    """Each path of `given` (the values an upstream is given, below its key) that the
    upstream never reads, with the key of its defaults it is a slip away from; `files`
    reads the upstream's templates, only once a key is a candidate."""
    for path, known in _slips(given, defaults, ()):
        name = path[-1]
        upstream = files()
        if len(path) == 1 and name in upstream.subcharts:
            continue  # the upstream's own subchart's values
        if upstream.names(name) is not False:
            continue  # a template names it (or none could be read): it may be read
        if f'"{name}"' in upstream.schema:
            continue  # the schema describes it
        yield path, known


def _slips(
    given: dict[Any, Any], defaults: dict[Any, Any], path: PathKey
) -> Iterator[tuple[PathKey, str]]:
    """Each key of `given` (at `path`) that `defaults` lacks, with the one key of
    `defaults` it is a slip away from; mappings both hold are walked into, bar `global`."""
    for name, value in given.items():
        if not isinstance(name, str) or (not path and name == "global"):
            continue
        if name in defaults:
            below = defaults[name]
            if isinstance(value, dict) and isinstance(below, dict) and below:
                yield from _slips(value, below, (*path, name))
            continue
        near = [k for k in defaults if isinstance(k, str) and one_slip_apart(name, k)]
        if len(near) == 1:
            yield (*path, name), near[0]
