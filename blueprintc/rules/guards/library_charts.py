"""Which of a chart's dependencies are helper libraries, never the upstream it wraps:
their templates run in the chart's own scope (bitnami's `common` reads the chart's
`nameOverride`), and they take no values of their own."""

from __future__ import annotations

from typing import Any

from blueprintc.chartsources import file_source, plain_mapping
from blueprintc.rules.context import BlueprintContext


def is_library_dependency(ctx: BlueprintContext, dep: dict[str, Any]) -> bool:
    """A helper library, never the upstream: a canon `charts.helperCharts` name, or a
    chart whose own Chart.yaml (a `file://` source in the workspace, or unpacked in
    `charts/`) says `type: library`."""
    name = str(dep.get("name", ""))
    if name in helper_charts(ctx):
        return True
    if ctx.chart_dir is None:
        return False
    places = [ctx.chart_dir / "charts" / name]
    source = file_source(ctx.chart_dir, dep)
    if source is not None:
        places.insert(0, source)
    for place in places:
        chart_yaml = place / "Chart.yaml"
        if not ctx.workspace.real(chart_yaml).is_relative_to(ctx.root):
            continue
        # Its `type` alone, read once per run for every Blueprint that shares the chart;
        # {} when absent or unreadable (its own lint says why).
        data = plain_mapping(chart_yaml, ctx.root)
        if data:
            return data.get("type") == "library"
    return False


def helper_charts(ctx: BlueprintContext) -> set[str]:
    """The canon's helper chart names (`charts.helperCharts`): the platform's own."""
    return {str(n) for n in ctx.canon.section("charts").get("helperCharts", [])}
