"""What an upstream chart vendored in `charts/` reads of its values, from its templates'
text: evidence a render cannot give when the upstream renders an object only for data a
Sovereign supplies (blackbox-exporter's ServiceMonitors, one per `serviceMonitor.targets`
entry, none by default).

The templates are read where `helm dependency build` leaves them: `charts/<name>/` or the
archive `charts/<name>-<version>.tgz` (`<name>/templates/...` inside), never outside the
workspace, each file within the workspace's size limit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from blueprintc.rules.context import BlueprintContext


def reads_value(ctx: BlueprintContext, dep: dict[str, Any], path: tuple[str, ...]) -> bool | None:
    """Whether a template of the upstream `dep` reads `.Values.<path>` (its own values:
    the path below the wrapper's key for it); None when none of its templates could be
    read (not vendored, or unreadable), so nothing can be said."""
    texts = _templates(ctx, dep)
    if not path or not texts:
        return None
    pattern = re.compile(r"\.Values\." + r"\.".join(map(re.escape, path)) + r"(?![\w-])")
    return any(pattern.search(text) for text in texts)


def _templates(ctx: BlueprintContext, dep: dict[str, Any]) -> list[str]:
    name, version = str(dep.get("name", "")), str(dep.get("version", ""))
    return list(ctx.remember(f"upstream_templates:{name}", lambda: _read(ctx, name, version)))


def _read(ctx: BlueprintContext, name: str, version: str) -> list[str]:
    if ctx.chart_dir is None or not name or "/" in name:
        return []
    charts = ctx.chart_dir / "charts"
    unpacked = charts / name
    if (unpacked / "Chart.yaml").is_file():
        return _from_directory(ctx, unpacked / "templates")
    exact = charts / f"{name}-{version}.tgz"
    archives = [exact] if exact.is_file() else sorted(charts.glob(f"{name}-*.tgz"))
    return _from_archive(ctx, archives[0], name) if archives else []


def _inside(ctx: BlueprintContext, path: Path) -> bool:
    return ctx.workspace.real(path).is_relative_to(ctx.root)


def _from_directory(ctx: BlueprintContext, templates: Path) -> list[str]:
    limit = ctx.workspace.max_file_bytes
    texts = []
    for path in sorted(templates.rglob("*")) if _inside(ctx, templates) else ():
        try:
            if path.is_file() and _inside(ctx, path) and path.stat().st_size <= limit:
                texts.append(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue  # unreadable: Helm's load of the chart says so
    return texts


def _from_archive(ctx: BlueprintContext, archive: Path, name: str) -> list[str]:
    import tarfile  # only for a vendored archive: lint of a chart without one skips it

    limit = ctx.workspace.max_file_bytes
    texts = []
    try:
        if not _inside(ctx, archive) or archive.stat().st_size > limit:
            return []
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.startswith(f"{name}/templates/"):
                    handle = tar.extractfile(member) if member.size <= limit else None
                    if handle is not None:
                        texts.append(handle.read().decode("utf-8", errors="replace"))
    except (tarfile.TarError, OSError, EOFError):
        return []  # a broken archive: Helm's load says so (BPG001)
    return texts
