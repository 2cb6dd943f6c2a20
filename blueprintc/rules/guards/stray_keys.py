"""The top-level values keys meant for a dependency that Helm gives to none (BPG015 reports
them; the observability guards leave the toggles below them alone: they reach nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.rules.context import BlueprintContext
from blueprintc.spelling import one_slip_apart
from blueprintc.upstream_files import names_in

HELM_KEYS = frozenset({"global", "tags"})  # top-level keys Helm itself reads


@dataclass(frozen=True)
class StrayKey:
    key: str
    dependency: str  # the dependency's name
    meant: str  # the key Helm reads its values under
    aliased: bool  # the key is the dependency's name, and Chart.yaml aliases it


def stray_keys(ctx: BlueprintContext, values: Any) -> list[StrayKey]:
    """The top-level keys of `values` meant for a dependency that none of them gets."""
    if not isinstance(values, dict):
        return []
    deps = ctx.declared_dependencies
    keys = {values_key(dep): dep for dep in deps}
    found = []
    for key in values:
        name = str(key)
        if name in keys or name in HELM_KEYS:
            continue
        aliased = [d for d in deps if d.get("alias") and str(d.get("name")) == name]
        slips = [k for k in keys if one_slip_apart(name, k)]
        if aliased:
            meant, dep = values_key(aliased[0]), aliased[0]
        elif len(slips) == 1:
            meant, dep = slips[0], keys[slips[0]]
        else:
            continue
        if not _read_by_chart(ctx, name):
            found.append(StrayKey(name, str(dep.get("name")), meant, bool(aliased)))
    return found


def _read_by_chart(ctx: BlueprintContext, key: str) -> bool:
    """Whether a template of the chart names `key`, or its values.schema.json lists it."""
    if names_in((source.text for source in ctx.templates), key):
        return True
    schema = ctx.chart_dir / "values.schema.json" if ctx.chart_dir is not None else None
    return schema is not None and schema.is_file() and f'"{key}"' in ctx.read(schema).text


def stray_top_keys(ctx: BlueprintContext) -> frozenset[str]:
    """The stray keys of the chart's values.yaml (worked out once per Blueprint)."""
    return frozenset(
        ctx.remember("stray_top_keys", lambda: [s.key for s in stray_keys(ctx, ctx.values)])
    )
