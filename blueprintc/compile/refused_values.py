"""Where a release's values that a chart's values.schema.json refused are set (BPP016).

Helm's refusal names the value but no file (`blueprintc.schema_refusal`). A release's
values are layers: the Sovereign overlay, a kit entry's `values`, an Application's
config, size overlays. The layer that decides the refused value is where the fix goes,
at its line, not the kit entry or Application that renders it.
"""

from __future__ import annotations

from typing import Any

from blueprintc.diagnostics import Location
from blueprintc.plan.values import Merged
from blueprintc.schema_refusal import fix_hint, pointer_parts, refusal
from blueprintc.yamldoc import json_path


def refused_value(error: str, chart: str, values: Merged) -> tuple[Location, str] | None:
    """The place of the first value `chart`'s render refused in `error`, with the fix;
    None when `error` is another, or no layer with positions sets the value (a chart
    default: the caller's place stands). A subchart's values are under its key, which
    Helm's message names it by (its alias, else its name)."""
    refused = refusal(error)
    if refused is None:
        return None
    prefix = () if refused.chart == chart else (refused.chart,)
    below = _get(values.value, prefix)
    path = (*prefix, *pointer_parts(below, refused.pointer))
    for origin in values.explain(path):
        if origin.line is not None:
            where = Location(origin.source, origin.line, origin.column or 1, json_path(path))
            return where, fix_hint(path, refused.chart, refused.why)
    return None


def _get(node: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def subchart_failure_hint(error: str, layer: str) -> str | None:
    """For a render that failed in a subchart's template (`charts/<key>/...`: an
    upstream's `fail` or `required`), the fix: its values, under that key in `layer`
    (the kit entry's `values:`, an Application's `config:`) or in the Blueprint's
    values.yaml, as lint's hint says (`render_failures`); None for another failure."""
    from blueprintc.helm import parse_failure, subchart_of

    key = subchart_of(parse_failure(error).template)
    if key is None:
        return None
    return (
        f"the subchart {key} refuses the values it is given: set what its message asks "
        f"for under `{key}:` in {layer} or in the Blueprint's values.yaml (its templates "
        "are the upstream's)"
    )
