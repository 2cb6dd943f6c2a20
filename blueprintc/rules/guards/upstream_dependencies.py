"""An upstream vendored from its source, without its own dependencies.

`helm dependency build` of the wrapper fetches each upstream as its chart repository
packages it, its own subcharts inside. An upstream copied into `charts/<name>/` from its
Git source has only the subcharts committed there: loki-stack 2.10.3's source declares
loki and promtail (switched on by default) and holds neither, and Helm renders it without
them, failing on a nil pointer in its own templates ("executing ... at
<.Values.loki.service.port>: nil pointer evaluating"). The hint of such a render failure
says what is missing, instead of asking for values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from blueprintc.chartsources import plain_mapping, values_key
from blueprintc.mapping import value_at
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.upstream_templates import entry_chart, vendored


def unbuilt_dependencies(ctx: BlueprintContext, dep: dict[str, Any]) -> list[str]:
    """The names of the upstream `dep`'s own dependencies that a render of it needs and
    its `charts/` lacks, where it is vendored as a directory (`charts/<name>/`, or a
    `file://` source): declared in its Chart.yaml (or a v1 chart's requirements.yaml),
    and not switched off by their `condition` (the wrapper's values under its key, else
    the upstream's own defaults, the first path set deciding, as Helm reads it)."""
    found = vendored(ctx, dep)
    if found is None or not found[0]:
        return []  # an archive is packaged with its dependencies
    chart = found[1]
    present = _present(chart / "charts")
    defaults = plain_mapping(chart / "values.yaml", ctx.root)
    given = ctx.values.get(values_key(dep))
    missing = []
    for declared in _declared(chart, ctx.root):
        name = str(declared.get("name", ""))
        if not name or {name, str(declared.get("alias") or "")} & present:
            continue
        condition = declared.get("condition")
        if isinstance(condition, str) and _off(condition, given, defaults):
            continue
        missing.append(name)
    return missing


def _present(charts: Path) -> set[str]:
    try:
        return {entry_chart(entry.name) for entry in charts.iterdir()}
    except OSError:
        return set()


def _declared(chart: Path, root: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in ("Chart.yaml", "requirements.yaml"):
        deps = plain_mapping(chart / name, root).get("dependencies")
        if isinstance(deps, list):
            found.extend(dep for dep in deps if isinstance(dep, dict))
    return found


def _off(condition: str, given: Any, defaults: dict[str, Any]) -> bool:
    for path in (part.strip() for part in condition.split(",")):
        for values in (given, defaults):
            value = value_at(values, path.split("."))
            if isinstance(value, bool):
                return not value
    return False
