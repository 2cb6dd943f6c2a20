"""Version pin triple: one upstream version, written three times, must agree.

The upstream version appears in `Chart.yaml` `dependencies:`, in
`blueprint.yaml` `spec.upstream`, and in `values.yaml` under
`catalystBlueprint.upstream` (`.version` for a single upstream, or
`.<dependency>.version` for several). A bump that misses one of them
publishes a Blueprint whose card, values and chart disagree.

Failing::

    # Chart.yaml                      # values.yaml
    dependencies:                     catalystBlueprint:
      - name: podinfo                   upstream:
        version: 6.7.1                    version: 6.7.0

Each mismatch is reported at the value that differs from `Chart.yaml`.

Read as chart owners mean them: a library dependency (`type: library` in its
Chart.yaml, or a canon `charts.helperCharts` name such as `common`) is never
the upstream; `catalystBlueprint.upstream` may name the upstream by `chart:`
as well as `name:`; an empty pin (`chart: ""`, `version: ""`) says there is
no upstream (a scratch chart), which is no mismatch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.library_charts import is_library_dependency
from blueprintc.rules.guards.support import (
    is_helm,
    is_hollow,
    unclear_dependencies,
    values_location,
)
from blueprintc.yamldoc import PathKey, json_path


@rule(
    "BPG004",
    "version-pin-triple",
    Severity.ERROR,
    "the upstream version differs between Chart.yaml, blueprint.yaml and values.yaml",
    "set the same upstream version in all three places",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx):
        return
    if is_hollow(ctx):
        return  # BPG001 says so, and names the upstream to add
    if unclear_dependencies(ctx):
        return  # BPS004 reports the entry: which upstream it is, nobody knows
    chart = {
        str(d.get("name")): str(d.get("version"))
        for d in ctx.declared_dependencies
        if d.get("name") is not None and not is_library_dependency(ctx, d)
    }
    for upstream in ctx.blueprint.upstream:
        pinned = chart.get(upstream.name)
        if pinned is None:
            line, column = ctx.blueprint.doc.locate(upstream.path)
            yield Finding(
                f"spec.upstream names {upstream.name}, which Chart.yaml does not depend on",
                Location(ctx.blueprint.rel, line, column, json_path(upstream.path)),
                hint=_not_a_dependency_fix(upstream.name, chart),
            )
        elif upstream.version != pinned:
            path = (*upstream.path, "version")
            line, column = ctx.blueprint.doc.locate(path)
            yield Finding(
                f"spec.upstream pins {upstream.name} {upstream.version}, Chart.yaml pins {pinned}",
                Location(ctx.blueprint.rel, line, column, json_path(path)),
                hint=_version_fix(pinned),
            )
    yield from _values_pins(ctx, chart)


def _values_pins(ctx: BlueprintContext, chart: dict[str, str]) -> Iterator[Finding]:
    key: PathKey = tuple(str(ctx.canon.section("charts")["upstreamValuesKey"]).split("."))
    node: Any = ctx.values_yaml.get(key) if ctx.values_yaml is not None else None
    if not isinstance(node, dict):
        return
    if "version" in node:
        if node["version"] in ("", None):
            return  # an empty pin: no upstream
        named = node.get("name") or node.get("chart")
        name = str(named or (next(iter(chart)) if len(chart) == 1 else ""))
        pins = [(name, (*key, "version"), node["version"])]
    else:
        pins = [
            (str(n), (*key, str(n), "version"), v["version"])
            for n, v in node.items()
            if isinstance(v, dict) and v.get("version") not in ("", None)
        ]
    for name, path, version in pins:
        pinned = chart.get(name)
        if pinned is None:
            yield Finding(
                f"{json_path(path)} pins {name or 'an upstream'}, "
                "which Chart.yaml does not depend on",
                values_location(ctx, path),
                hint=_not_a_dependency_fix(name, chart),
            )
        elif str(version) != pinned:
            yield Finding(
                f"{json_path(path)} is {version}, Chart.yaml pins {name} {pinned}",
                values_location(ctx, path),
                hint=_version_fix(pinned),
            )


def _version_fix(pinned: str) -> str:
    return (
        f"write {pinned} here, the version Chart.yaml pins (or, bumping the upstream, "
        "the new version in all three places)"
    )


def _not_a_dependency_fix(name: str, chart: dict[str, str]) -> str:
    """Name the upstream Chart.yaml depends on; or add the one named."""
    if not chart:
        return f"add {name or 'the upstream'} under Chart.yaml's `dependencies:`"
    known = ", ".join(f"{n} {v}" for n, v in sorted(chart.items()))
    return (
        f"name the upstream as Chart.yaml's `dependencies:` do ({known}), or add "
        f"{name or 'it'} there"
    )


RULE = check
