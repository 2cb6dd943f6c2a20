"""Where a rendered object comes from: a template of the chart, or of a subchart."""

from __future__ import annotations

import re
from typing import Any

from blueprintc.diagnostics import Location
from blueprintc.helm import RenderedObject
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location


def object_location(ctx: BlueprintContext, obj: RenderedObject) -> Location:
    """The `kind:` line of its template in the chart, or the Chart.yaml entry of the
    subchart that ships it."""
    parts = obj.template.split("/")
    if _in_subchart(parts):
        found = _dependency(ctx, parts[2])
        if found is not None:
            return chart_location(ctx, ("dependencies", found[0]), key=False)
        return chart_location(ctx, ("dependencies",))
    template = "/".join(parts[1:])
    source = ctx.template_source(template)
    if source is None:
        return chart_location(ctx, ("name",))
    pattern = re.compile(rf"^\s*kind:\s*[\"']?{re.escape(obj.kind)}[\"']?\s*$")
    kinds = [i for i, line in enumerate(source.lines, start=1) if pattern.match(line)]
    line = kinds[min(obj.ordinal, len(kinds) - 1)] if kinds else 1
    return Location(source.rel, line, 1, f"{obj.kind}/{obj.name}")


def _in_subchart(parts: list[str]) -> bool:
    return len(parts) > 2 and parts[1] == "charts"


def _dependency(ctx: BlueprintContext, subchart: str) -> tuple[int, dict[str, Any]] | None:
    """The Chart.yaml entry (index, entry) that a subchart directory name stands for."""
    for index, dep in enumerate(ctx.declared_dependencies):
        if subchart in (dep.get("name"), dep.get("alias")):
            return index, dep
    return None
