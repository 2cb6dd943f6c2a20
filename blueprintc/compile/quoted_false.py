"""BPP032: an Application's layers (config, overlays) or a bootstrap-kit entry's (its
`values:`, the Sovereign overlay) give its chart a string that says false where the
chart's values.yaml, or below a subchart's key that subchart's, has a boolean
(`blueprintc.quoted_false`): the chart's `if` reads the string as true."""

from __future__ import annotations

from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.compile.findings import report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.unread_config import known_defaults
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.mapping import value_at
from blueprintc.plan.values import Layer
from blueprintc.quoted_false import false_strings, wording
from blueprintc.workspace import Workspace
from blueprintc.yamldoc import PathKey, json_path


def quoted_false_values(
    workspace: Workspace, entry: CatalogEntry, layers: list[Layer]
) -> list[Diagnostic]:
    """BPP032 for each layer above the chart defaults (where a schema refuses the value
    as well, the planner keeps that error alone: `one_finding.one_finding_per_value`)."""
    result = []
    for layer in layers:
        if layer.name in ("chart defaults", "configSchema defaults") or not layer.data:
            continue
        for path, text in false_strings(layer.data):
            owner, default = _default(workspace, entry, path)
            if not isinstance(default, bool):
                continue
            line, column = layer.locate(path) if layer.locate else (1, 1)
            where = json_path(path)
            result.append(
                report(
                    "BPP032",
                    f"{layer.name}: {wording(where, text, owner, default)}",
                    Location(layer.source, line, column, where),
                    hint=f"write `{path[-1]}: false` without quotes",
                )
            )
    return result


def _default(workspace: Workspace, entry: CatalogEntry, path: PathKey) -> tuple[str, Any]:
    """Who decides the default at `path`, and what it is: the chart's values.yaml, else,
    below a subchart's key, the subchart's own (read where Helm reads it)."""
    own = entry.chart_values.data if entry.chart_values is not None else None
    value = value_at(own, path) if isinstance(own, dict) else None
    if value is not None or len(path) < 2:
        return entry.name, value
    for dep in entry.dependencies:
        if values_key(dep) == path[0]:
            known = known_defaults(workspace, entry, dep, str(path[0]))
            return str(dep.get("name")), value_at(known, path[1:]) if known else None
    return entry.name, None
