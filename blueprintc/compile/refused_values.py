"""Where a release's values that a chart's values.schema.json refused are set (BPP016).

Helm's refusal names the values but no file (`blueprintc.schema_refusal`). A release's
values are layers: the Sovereign overlay, a kit entry's `values`, an Application's
config, size overlays. The layer that decides a refused value is where its fix goes,
at its line, not the kit entry or Application that renders it: one finding per value.
"""

from __future__ import annotations

from blueprintc.compile.shaped_values import shaped_value
from blueprintc.diagnostics import Location
from blueprintc.mapping import value_at
from blueprintc.plan.values import Merged
from blueprintc.schema_refusal import (
    Refusal,
    fix_hint,
    pointer_parts,
    refusals,
    refusals_message,
    unknown_key_hint,
    unknown_properties,
    value_prefixes,
)
from blueprintc.subchart_values import mismatch_hint, mismatched_subchart
from blueprintc.yamldoc import PathKey, json_path


def failure_places(
    error: str, chart: str, values: Merged | None, where: Location, hint: str | None
) -> list[tuple[str, Location, str | None]]:
    """How a release's failed render is reported, as (error, place, hint): each value
    `chart`'s render refused (Helm's message for it alone) at the layer that sets it,
    with the fix; the rest of `error` at `where` with `hint` (a chart default refused,
    or another failure)."""
    mismatched = mismatched_subchart(error)
    if mismatched is not None and values is not None:  # a subchart's key, no mapping
        place = set_at(values, (mismatched,))
        if place is not None:
            return [(error, place, mismatch_hint(mismatched, values.value.get(mismatched)))]
    shaped = shaped_value(error, values) if values is not None else None
    if shaped is not None and values is not None:  # a template failed on a layer's value
        place = set_at(values, shaped.path, shaped.at_key)
        if place is not None:
            return [(error, place, shaped.hint)]
    placed: list[tuple[str, Location, str | None]] = []
    rest = []
    for refused in refusals(error):
        found = _refused_place(refused, chart, values) if values is not None else None
        if found is None:
            rest.append(refused)
        else:
            placed.append((refused.message, *found))
    if rest:
        placed.append((refusals_message(rest), where, hint))
    elif not placed:
        placed.append((error, where, hint))
    return placed


def _refused_place(refused: Refusal, chart: str, values: Merged) -> tuple[Location, str] | None:
    """The place of the value `refused` names, with the fix; None when no layer with
    positions sets it (a chart default). A subchart's values are under its key, which
    Helm's message names it by (its alias, else its name)."""
    prefix = () if refused.chart == chart else (refused.chart,)
    for under in value_prefixes(prefix, refused.pointer):
        path = (*under, *pointer_parts(value_at(values.value, under), refused.pointer))
        for key in unknown_properties(refused.why):  # a key the schema does not allow there
            found = set_at(values, (*path, key), at_key=True)
            if found is not None:
                return found, unknown_key_hint((*path, key), refused.chart, ())
        found = set_at(values, path)
        if found is not None:
            return found, fix_hint(path, refused.chart, refused.why)
    return None


def set_at(values: Merged, path: PathKey, at_key: bool = False) -> Location | None:
    """Where the layer that decides the value at `path` sets it (at its key, with
    `at_key`); None for no layer with positions (a chart default)."""
    for origin in values.explain(path, at_key):
        if origin.line is not None:
            return Location(origin.source, origin.line, origin.column or 1, json_path(path))
    return None


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
