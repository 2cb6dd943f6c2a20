"""The top-level values keys meant for a dependency that Helm gives to none (BPG015 reports
them; the observability guards leave the toggles below them alone: they reach nothing):
a slip of a dependency's key, an aliased dependency's name, or a key of one upstream's
own top-level defaults set beside its key instead of below it (`resources:` for
`velero.resources`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.library_charts import is_library_dependency
from blueprintc.rules.guards.upstream_templates import upstream_defaults
from blueprintc.spelling import one_slip_apart
from blueprintc.upstream_files import names_in

HELM_KEYS = frozenset({"global", "tags"})  # top-level keys Helm itself reads


SLIP, ALIASED, MISPLACED = "slip", "aliased", "misplaced"


@dataclass(frozen=True)
class StrayKey:
    key: str
    dependency: str  # the dependency's name
    meant: str  # where Helm would give it the values: its key, or the path below it
    kind: str  # SLIP of its key, ALIASED (its name, where Chart.yaml aliases it), MISPLACED


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
            meant, dep, kind = values_key(aliased[0]), aliased[0], ALIASED
        elif len(slips) == 1:
            meant, dep, kind = slips[0], keys[slips[0]], SLIP
        else:
            owner = _owner(ctx, name)
            if owner is None:
                continue
            meant, dep, kind = f"{values_key(owner)}.{name}", owner, MISPLACED
        if not _read_by_chart(ctx, name):
            found.append(StrayKey(name, str(dep.get("name")), meant, kind))
    return found


def _owner(ctx: BlueprintContext, key: str) -> dict[str, Any] | None:
    """The one vendored upstream whose own values.yaml has `key` at its top level (the
    upstream a value set beside its key was meant for); None when none or several do, or
    when the chart has a helper library (its templates read the chart's own values, as
    bitnami's `common` reads `nameOverride`)."""
    deps = ctx.declared_dependencies
    owners = [dep for dep in deps if key in (upstream_defaults(ctx, dep) or {})]
    if len(owners) != 1 or any(is_library_dependency(ctx, dep) for dep in deps):
        return None
    return owners[0]


def _read_by_chart(ctx: BlueprintContext, key: str) -> bool:
    """Whether a template of the chart names `key`, or its values.schema.json lists it."""
    if names_in((source.text for source in ctx.templates), key):
        return True
    schema = ctx.chart_dir / "values.schema.json" if ctx.chart_dir is not None else None
    return schema is not None and schema.is_file() and f'"{key}"' in ctx.read(schema).text


def values_yaml_stray_keys(ctx: BlueprintContext) -> list[StrayKey]:
    """`stray_keys` of the chart's values.yaml, worked out once per Blueprint (BPG015 and
    the observability guards ask)."""
    return list(ctx.remember("stray_keys", lambda: stray_keys(ctx, ctx.values)))


def stray_top_keys(ctx: BlueprintContext) -> frozenset[str]:
    """The stray keys of the chart's values.yaml."""
    return frozenset(stray.key for stray in values_yaml_stray_keys(ctx))
