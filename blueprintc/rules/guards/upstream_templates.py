"""What an upstream chart vendored in `charts/` reads of its values, from its templates'
text: evidence a render cannot give when the upstream renders an object only for data a
Sovereign supplies (blackbox-exporter's ServiceMonitors, one per `serviceMonitor.targets`
entry, none by default). Also its values.schema.json (what a value it requires may be)
and values.yaml (the keys it has defaults for).

The files are read once per Blueprint (`blueprintc.upstream_files` says where from).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from blueprintc import upstream_files
from blueprintc.rules.context import BlueprintContext
from blueprintc.upstream_files import UpstreamFiles, entry_chart

__all__ = [
    "entry_chart",
    "files",
    "reads_value",
    "upstream_defaults",
    "upstream_schema",
    "vendored",
]


def reads_value(ctx: BlueprintContext, dep: dict[str, Any], path: tuple[str, ...]) -> bool | None:
    """Whether a template of the upstream `dep` reads `.Values.<path>` (its own values:
    the path below the wrapper's key for it); None when nothing can be said: none of its
    templates could be read (not vendored, or unreadable), or the path goes into one of
    its own subcharts (kube-prometheus-stack's `grafana`), whose templates are not read
    here."""
    upstream = files(ctx, dep)
    if not path or not upstream.texts:
        return None
    pattern = re.compile(r"\.Values\." + r"\.".join(map(re.escape, path)) + r"(?![\w-])")
    if any(pattern.search(text) for text in upstream.texts):
        return True
    return None if path[0] in upstream.subcharts else False


def upstream_defaults(ctx: BlueprintContext, dep: dict[str, Any]) -> dict[str, Any] | None:
    """The upstream `dep`'s own values.yaml (its defaults), parsed; None when it is not
    vendored, has none, or it cannot be read or is not a mapping. From a directory, read
    without its templates; parsed once per Blueprint (treat it as read-only)."""
    name = str(dep.get("name", ""))

    def parsed() -> dict[str, Any]:  # {} for none: remembered too
        reader = upstream_files.read_defaults
        return reader(ctx.workspace, ctx.chart_dir, dep, lambda: files(ctx, dep)) or {}

    found: dict[str, Any] = ctx.remember(f"upstream_values:{name}", parsed)
    return found or None


def upstream_schema(ctx: BlueprintContext, dep: dict[str, Any]) -> Any:
    """The upstream `dep`'s values.schema.json, parsed; None when it has none, or it
    cannot be read or parsed."""
    text = files(ctx, dep).schema
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def files(ctx: BlueprintContext, dep: dict[str, Any]) -> UpstreamFiles:
    """The upstream `dep`'s files, read once per Blueprint."""
    name = str(dep.get("name", ""))
    return ctx.remember(
        f"upstream_templates:{name}",
        lambda: upstream_files.read_files(ctx.workspace, ctx.chart_dir, dep),
    )


def vendored(ctx: BlueprintContext, dep: dict[str, Any]) -> tuple[bool, Path] | None:
    """`upstream_files.vendored` for the Blueprint's chart."""
    return upstream_files.vendored(ctx.chart_dir, dep)
