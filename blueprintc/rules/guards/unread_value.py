"""A value set for an upstream that the upstream never reads: a slip of the keyboard
(`blueprintc.unread_values` says when a key is one).

The upstream is read where Helm reads it (`charts/`, its archive, or a `file://`
source); an upstream that is not vendored yet is not checked.

Failing (the upstream webapp's values.yaml has `serviceMonitor.enabled`)::

    webapp:
      serviceMonitor:
        enable: true
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import upstream_under, values_key
from blueprintc.rules.guards.support import is_helm, values_location
from blueprintc.rules.guards.upstream_templates import files, upstream_defaults
from blueprintc.unread_values import Unread, dotted_wording, unread_values
from blueprintc.yamldoc import json_path


@rule(
    "BPG014",
    "unread-upstream-value",
    Severity.WARNING,
    "a value set for an upstream is a key it never reads: a slip away from one it does, or "
    "a path written as one dotted key",
    "rename the key to the upstream's, nested as its values.yaml nests it",
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
        for found in unread_values(ours, defaults, lambda dep=dep: files(ctx, dep)):
            yield _finding(ctx, key, str(dep.get("name")), found)


def _finding(ctx: BlueprintContext, key: str, upstream: str, found: Unread) -> Finding:
    name = found.path[-1]
    here = json_path((key, *found.path))
    where = values_location(ctx, (key, *found.path), key=True)
    if found.dotted:
        parent = json_path((key, *found.path[:-1]))
        message, hint = dotted_wording(parent, name, upstream)
        return Finding(message, where, hint=hint)
    return Finding(
        f"{here} is not a value {upstream} reads: its values.yaml has "
        f"`{found.known}` there, and no template of {upstream} names `{name}`",
        where,
        hint=f"rename `{name}` to `{found.known}`; Helm passes a key no template reads "
        f"to {upstream} without a word, so it changes nothing",
    )


RULE = check
