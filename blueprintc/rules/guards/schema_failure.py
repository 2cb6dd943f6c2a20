"""Where in values.yaml a render that a chart's values.schema.json refused went wrong
(`blueprintc.schema_refusal`): the smoke render's finding stood at Chart.yaml's `name:`
with a hint about templates. The value Helm names is in the chart's values.yaml, under
the subchart's key for a subchart's schema: that is where the fix goes.
"""

from __future__ import annotations

from blueprintc.diagnostics import Finding
from blueprintc.helm import RenderFailure
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import values_key
from blueprintc.rules.guards.support import doc_location
from blueprintc.schema_refusal import fix_hint, pointer_parts, refusal
from blueprintc.yamldoc import PathKey, YamlDoc


def schema_finding(
    ctx: BlueprintContext, failure: RenderFailure, message: str, docs: list[YamlDoc | None]
) -> Finding | None:
    """`message` at the first value Helm's schema check refused, in the first of `docs`
    (the values files of the render, the one that wins first) that sets it, with the
    fix; None when the failure is another, or no file sets that value (a subchart's own
    default, or a required value nobody gave: the caller's place stands)."""
    refused = refusal(failure.message)
    if refused is None:
        return None
    found = _values_prefix(ctx, refused.chart)
    if found is None:
        return None
    prefix, chart = found
    for doc in docs:
        if doc is None:
            continue
        path = (*prefix, *pointer_parts(doc.get(prefix), refused.pointer))
        if path and doc.get(path, _ABSENT) is not _ABSENT:
            return Finding(message, doc_location(doc, path), fix_hint(path, chart, refused.why))
    return None


_ABSENT = object()


def _values_prefix(ctx: BlueprintContext, chart: str) -> tuple[PathKey, str] | None:
    """Where `chart`'s values are in the chart's values.yaml, and the chart's name: the
    root for the chart itself, a dependency's key (its alias, else its name) for a
    subchart, which Helm's message names by that alias when it has one."""
    own = ctx.chart_yaml.data if ctx.chart_yaml is not None else None
    if isinstance(own, dict) and own.get("name") == chart:
        return (), chart
    for dep in ctx.declared_dependencies:
        if chart in (dep.get("name"), dep.get("alias")):
            return (values_key(dep),), str(dep.get("name"))
    return None
