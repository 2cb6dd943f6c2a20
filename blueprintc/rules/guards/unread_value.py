"""A value set for an upstream that the upstream never reads: a slip of the keyboard.

Helm passes everything under an upstream's key in values.yaml to that chart, and a key
no template reads changes nothing, without a word: `serviceMonitor.enable: true` (the
chart reads `enabled`) leaves the ServiceMonitor off, `replcias: 3` leaves one replica.
A key is reported only when all of these hold:

- the upstream's own values.yaml has defaults at that level (an empty mapping, such as
  `podAnnotations: {}`, takes any key), but not this key;
- exactly one of its keys there is a slip away from it (its case, or one letter added,
  dropped, changed, or two swapped: `blueprintc.spelling`);
- none of the upstream's templates names the key (as `.key` or `"key"`), and its
  values.schema.json does not list it;
- it is not the key of one of the upstream's own subcharts, nor `global`.

The upstream is read where Helm reads it (`charts/`, its archive, or a `file://`
source); an upstream that is not vendored yet is not checked.

Failing (the upstream webapp's values.yaml has `serviceMonitor.enabled`)::

    webapp:
      serviceMonitor:
        enable: true
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import upstream_under, values_key
from blueprintc.rules.guards.support import is_helm, values_location
from blueprintc.rules.guards.upstream_templates import (
    mentions_name,
    upstream_defaults,
    upstream_schema_text,
    upstream_subcharts,
)
from blueprintc.spelling import one_slip_apart
from blueprintc.yamldoc import PathKey, json_path


@rule(
    "BPG014",
    "unread-upstream-value",
    Severity.WARNING,
    "a value set for an upstream is a key the upstream never reads, a slip away from one it does",
    "rename the key to the upstream's: its values.yaml lists the keys it reads",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.chart_dir is None:
        return
    doc = ctx.values_yaml
    values = doc.data if doc is not None else None
    if not isinstance(values, dict):
        return
    for dep in ctx.declared_dependencies:
        key = values_key(dep)
        ours = values.get(key)
        if not isinstance(ours, dict) or not ours or upstream_under(ctx, key) is None:
            continue
        defaults = upstream_defaults(ctx, dep)
        if not defaults:
            continue
        for path, known in _slips(ours, defaults, ()):
            name = path[-1]
            if len(path) == 1 and name in upstream_subcharts(ctx, dep):
                continue  # the upstream's own subchart's values
            if mentions_name(ctx, dep, name) is not False:
                continue  # a template names it (or none could be read): it may be read
            if f'"{name}"' in upstream_schema_text(ctx, dep):
                continue  # the schema describes it
            upstream = dep.get("name")
            here = json_path((key, *path))
            yield Finding(
                f"{here} is not a value {upstream} reads: its values.yaml has "
                f"`{known}` there, and no template of {upstream} names `{name}`",
                values_location(ctx, (key, *path), key=True),
                hint=f"rename `{name}` to `{known}`; Helm passes a key no template reads "
                f"to {upstream} without a word, so it changes nothing",
            )


def _slips(
    ours: dict[Any, Any], defaults: dict[Any, Any], path: PathKey
) -> Iterator[tuple[PathKey, str]]:
    """Each key of `ours` (at `path`) that `defaults` lacks, with the one key of
    `defaults` it is a slip away from; mappings both hold are walked into, bar `global`."""
    for name, value in ours.items():
        if not isinstance(name, str) or (not path and name == "global"):
            continue
        if name in defaults:
            below = defaults[name]
            if isinstance(value, dict) and isinstance(below, dict) and below:
                yield from _slips(value, below, (*path, name))
            continue
        near = [
            known for known in defaults if isinstance(known, str) and one_slip_apart(name, known)
        ]
        if len(near) == 1:
            yield (*path, name), near[0]


RULE = check
