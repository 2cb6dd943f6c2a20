"""Vendored upstream charts: the ``file://`` dependencies a Blueprint's chart uses.

A change under one (``upstream-charts/<name>``) changes every Blueprint whose chart
depends on it: ``changed`` rebuilds them and ``lint`` (the pre-commit hook) lints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.source import InputError, read_source
from blueprintc.workspace import Workspace, discover, has_blueprint_file


def local_chart_sources(chart_dir: Path | None) -> list[Path]:
    """Directories of ``file://`` dependencies in ``Chart.yaml`` (vendored upstreams)."""
    if chart_dir is None:
        return []
    deps = plain_mapping(chart_dir / "Chart.yaml", chart_dir).get("dependencies")
    if not isinstance(deps, list):
        return []
    sources = (file_source(chart_dir, dep) for dep in deps if isinstance(dep, dict))
    return [source.resolve() for source in sources if source is not None]


def values_key(dep: dict[str, Any]) -> str:
    """Where a dependency's values go in the chart's values.yaml: its alias, else its name."""
    return str(dep.get("alias") or dep.get("name"))


def names_chart(dep: Any) -> bool:
    """A Chart.yaml dependencies entry that names its chart: a mapping with a `name`,
    which Helm fetches, builds and matches `charts/` by (`alias:` only renames)."""
    return isinstance(dep, dict) and isinstance(dep.get("name"), str) and bool(dep["name"])


def nameless_dependency(number: int, dep: dict[str, Any]) -> str:
    """What a dependency that names no chart is called: `dependency 2 (widgets)`, by its
    1-based `number` and its alias or repository."""
    known = dep.get("alias") or dep.get("repository")
    return f"dependency {number}" + (f" ({known})" if isinstance(known, str) and known else "")


def file_source(chart_dir: Path, dep: dict[str, Any]) -> Path | None:
    """The directory a `file://` dependency of the chart in `chart_dir` names, as written
    (not resolved); None for a dependency from a chart repository."""
    repository = dep.get("repository")
    if not isinstance(repository, str) or not repository.startswith("file://"):
        return None
    return chart_dir / repository.removeprefix("file://")


# path -> (its stat signature, its top mapping): a file read again only when it changed.
_plain: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def plain_mapping(path: Path, root: Path) -> dict[str, Any]:
    """A small YAML file's top mapping (the plain loader, no positions), or {} when it is
    absent, unreadable or not one: its own lint says why. Kept per process while the
    file's inode, size and mtime stay the same (a long-lived process asks again):
    treat it as read-only."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known = _plain.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    try:
        documents = yamldata.load_all(read_source(path, root).text)
    except (InputError, ValueError, yaml.YAMLError):
        documents = []
    data = documents[0] if documents and isinstance(documents[0], dict) else {}
    _plain[path] = (signature, data)
    return data


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
