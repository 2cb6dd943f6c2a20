"""Vendored upstream charts: the ``file://`` dependencies a Blueprint's chart uses.

A change under one (``upstream-charts/<name>``) changes every Blueprint whose chart
depends on it: ``changed`` rebuilds them and ``lint`` (the pre-commit hook) lints them.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.source import InputError, read_source
from blueprintc.workspace import Workspace, discover, has_blueprint_file
from blueprintc.yamldoc import load_yaml


def local_chart_sources(chart_dir: Path | None) -> list[Path]:
    """Directories of ``file://`` dependencies in ``Chart.yaml`` (vendored upstreams)."""
    if chart_dir is None or not (chart_dir / "Chart.yaml").is_file():
        return []
    try:
        doc = load_yaml(read_source(chart_dir / "Chart.yaml", chart_dir))
    except InputError:
        return []
    deps = doc.data.get("dependencies") if isinstance(doc.data, dict) else None
    out = []
    for dep in deps if isinstance(deps, list) else []:
        repository = dep.get("repository") if isinstance(dep, dict) else None
        if isinstance(repository, str) and repository.startswith("file://"):
            out.append((chart_dir / repository[len("file://") :]).resolve())
    return out


def users_of(files: list[Path], workspace: Workspace) -> list[Path]:
    """The catalog's Blueprint directories whose chart depends on a ``file://`` chart
    directory holding one of ``files``."""
    from blueprintc.lint import load_blueprint

    real = [f.resolve() for f in files]
    users = []
    for directory in discover([], workspace, empty_ok=True):
        if not has_blueprint_file(directory):
            continue
        try:
            blueprint = load_blueprint(directory, workspace)
        except InputError:
            continue  # its own lint reports it when it is selected
        sources = local_chart_sources(blueprint.manifest_dir)
        if any(s == f or s in f.parents for f in real for s in sources):
            users.append(directory)
    return users
