"""BPP022 below a subchart's key: a value an Application's config or an overlay gives a
Blueprint's upstream that the upstream never reads, a slip of the keyboard away from one
of its own defaults (`redis.replica.replicaCont` for `replicaCount`;
`blueprintc.unread_values` says when a key is one). Top-level keys are chart_keys.py's.

The upstream's files are read where Helm reads them (`blueprintc.upstream_files`), once
per catalog chart and only when a layer gives its key a mapping; the keys the
Blueprint's own values.yaml sets below the key count as known (lint's BPG014 judges those).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from blueprintc import upstream_files
from blueprintc.chartsources import values_key
from blueprintc.compile.findings import report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.mapping import deep_merge
from blueprintc.plan.values import Layer
from blueprintc.unread_values import Unread, dotted_wording, unread_values
from blueprintc.upstream_files import UpstreamFiles
from blueprintc.workspace import Workspace
from blueprintc.yamldoc import json_path


def unread_config(
    workspace: Workspace, entry: CatalogEntry, layer: Layer
) -> Iterator[tuple[Diagnostic, tuple[str, int]]]:
    """Each value below a dependency's key that `layer` sets and the dependency never
    reads, as BPP022, with the (file, line) it stands at."""
    data = layer.data or {}
    for dep in entry.dependencies:
        key = values_key(dep)
        given = data.get(key)
        if not isinstance(given, dict) or not given:
            continue
        defaults = known_defaults(workspace, entry, dep, key)
        if not defaults:
            continue
        files = _files(workspace, entry, dep)
        for found in unread_values(given, defaults, files):
            place = (key, *found.path)  # at its key (a mapping's value is on the next line)
            line, column = layer.locate(place, True) if layer.locate else (1, 1)
            where = json_path((key, *found.path))
            message, hint = _wording(layer.name, str(dep.get("name")), key, found)
            diagnostic = report(
                "BPP022", message, Location(layer.source, line, column, where), hint
            )
            yield diagnostic, (layer.source, line)


def _wording(layer: str, name: str, key: str, found: Unread) -> tuple[str, str]:
    where = json_path((key, *found.path))
    if found.dotted:
        parent = json_path((key, *found.path[:-1]))
        message, hint = dotted_wording(parent, found.path[-1], f"the subchart {name}")
        return f"{layer}: {message}", hint
    meant = json_path((key, *found.path[:-1], found.known))
    if found.rendered_by:
        return (
            f"{layer} sets {where!r}, a key the subchart {name} does not know: its "
            f"values.yaml has {found.known!r} there, and its templates render the map whole "
            f"({found.rendered_by!r}), so both reach its configuration",
            f"did you mean {meant!r}? A program given both keys may take the default or "
            "refuse to start",
        )
    return (
        f"{layer} sets {where!r}, a value the subchart {name} never reads: its values.yaml "
        f"has {found.known!r} there, and no template of it names {found.path[-1]!r}",
        f"did you mean {meant!r}? Helm passes a key no template reads, so the setting "
        "changes nothing",
    )


def known_defaults(
    workspace: Workspace, entry: CatalogEntry, dep: dict[str, Any], key: str
) -> dict[str, Any] | None:
    """The dependency's defaults, with what the Blueprint's values.yaml sets below its key
    (worked out once per catalog chart: every Application of it asks)."""
    cache = entry.upstream_cache
    name = f"known:{key}"
    if name not in cache:
        chart_dir, files = entry.blueprint.manifest_dir, _files(workspace, entry, dep)
        defaults = upstream_files.read_defaults(workspace, chart_dir, dep, files)
        own = entry.chart_values.data if entry.chart_values is not None else None
        below = own.get(key) if isinstance(own, dict) else None
        if defaults and isinstance(below, dict):
            defaults = deep_merge(defaults, below)
        cache[name] = defaults or None
    known: dict[str, Any] | None = cache[name]
    return known


def _files(
    workspace: Workspace, entry: CatalogEntry, dep: dict[str, Any]
) -> Callable[[], UpstreamFiles]:
    """Reads the dependency's files at the first call, once per catalog chart."""

    def read() -> UpstreamFiles:
        name = f"files:{dep.get('name')}"
        if name not in entry.upstream_cache:
            chart_dir = entry.blueprint.manifest_dir
            entry.upstream_cache[name] = upstream_files.read_files(workspace, chart_dir, dep)
        found: UpstreamFiles = entry.upstream_cache[name]
        return found

    return read
