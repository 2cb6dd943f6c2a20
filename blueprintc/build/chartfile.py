"""What a packaged chart holds: its Chart.yaml, its dependencies, its subcharts.

Read from the ``.tgz`` bytes alone (safely: ``oci.read_archive``), so the same
code inspects the package we built and the artifact pulled back from a store.
``helm package`` stores subcharts unpacked (``<chart>/charts/<name>/...``); a
``<chart>/charts/<name>-<version>.tgz`` is accepted too.

A subchart's digest is a *tree digest*: sha256 over ``sha256sum``-style lines
(``<hex>  <path>\\n``, sorted by path) of its files relative to the subchart's
root, so it is the same whether the subchart is packed or unpacked and can be
recomputed with ``find . -type f | sort | xargs sha256sum | sha256sum``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc.oci import UnsafeArchiveError, read_archive
from blueprintc.source import InputError, SourceFile, decode_text
from blueprintc.yamldoc import load_yaml


class ChartArchiveError(ValueError):
    """The bytes are not a readable chart package."""


@dataclass(frozen=True)
class Dependency:
    """A ``Chart.yaml`` dependency with the version ``Chart.lock`` resolved, if any."""

    name: str
    version: str  # as declared (may be a range)
    resolved: str | None  # from Chart.lock
    repository: str

    @property
    def expected_version(self) -> str | None:
        """The exact version the package must hold, or None if only a range is known."""
        if self.resolved:
            return self.resolved
        return self.version if _is_exact(self.version) else None


@dataclass(frozen=True)
class Subchart:
    name: str
    version: str
    repository: str
    digest: str
    path: str  # inside the archive, e.g. "bp-x/charts/webapp"


@dataclass(frozen=True)
class ChartArchive:
    top: str  # the chart's directory in the archive
    metadata: dict[str, Any]
    dependencies: tuple[Dependency, ...]
    subcharts: tuple[Subchart, ...]
    files: Mapping[str, bytes]

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))


def read_chart_archive(tgz: bytes) -> ChartArchive:
    try:
        files = read_archive(tgz)
    except UnsafeArchiveError as exc:
        raise ChartArchiveError(f"not a safe chart archive: {exc}") from None
    tops = sorted(
        {n.split("/", 1)[0] for n in files if n.count("/") == 1 and n.endswith("/Chart.yaml")}
    )
    if len(tops) != 1:
        raise ChartArchiveError("the archive must hold exactly one <chart>/Chart.yaml at its top")
    top = tops[0]
    metadata = yaml_file(files, f"{top}/Chart.yaml")
    lock = yaml_file(files, f"{top}/Chart.lock") if f"{top}/Chart.lock" in files else {}
    dependencies = _dependencies(metadata, lock)
    repositories = {d.name: d.repository for d in dependencies}
    subcharts = tuple(_subcharts(files, top, repositories))
    return ChartArchive(top, metadata, dependencies, subcharts, files)


def tree_digest(files: Mapping[str, bytes]) -> str:
    lines = "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in sorted(files))
    return "sha256:" + hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _subcharts(
    files: Mapping[str, bytes], top: str, repositories: dict[str, str]
) -> list[Subchart]:
    base = f"{top}/charts/"
    found: list[Subchart] = []
    unpacked = sorted(
        {n[len(base) :].split("/", 1)[0] for n in files if n.startswith(base) and n.count("/") >= 3}
    )
    for directory in unpacked:
        prefix = f"{base}{directory}/"
        tree = {n[len(prefix) :]: data for n, data in files.items() if n.startswith(prefix)}
        if "Chart.yaml" in tree:
            found.append(_subchart(tree, base + directory, repositories))
    for name in sorted(n for n in files if n.startswith(base) and n.count("/") == 2):
        if name.endswith(".tgz"):
            found.append(_packed_subchart(files[name], name, repositories))
    return found


def _packed_subchart(data: bytes, path: str, repositories: dict[str, str]) -> Subchart:
    try:
        inner = read_archive(data)
    except UnsafeArchiveError as exc:
        raise ChartArchiveError(f"{path}: not a safe chart archive: {exc}") from None
    roots = {n.split("/", 1)[0] for n in inner if "/" in n}
    if len(roots) != 1:
        raise ChartArchiveError(f"{path}: expected one top directory in the subchart archive")
    root = roots.pop() + "/"
    tree = {n[len(root) :]: b for n, b in inner.items() if n.startswith(root)}
    if "Chart.yaml" not in tree:
        raise ChartArchiveError(f"{path}: the subchart archive has no Chart.yaml")
    return _subchart(tree, path, repositories)


def _subchart(tree: dict[str, bytes], path: str, repositories: dict[str, str]) -> Subchart:
    meta = yaml_file(tree, "Chart.yaml", where=f"{path}/Chart.yaml")
    name, version = str(meta.get("name", "")), str(meta.get("version", ""))
    return Subchart(name, version, repositories.get(name, ""), tree_digest(tree), path)


def _dependencies(metadata: dict[str, Any], lock: dict[str, Any]) -> tuple[Dependency, ...]:
    locked = {
        str(d.get("name")): str(d.get("version"))
        for d in lock.get("dependencies") or []
        if isinstance(d, dict)
    }
    out = []
    for dep in metadata.get("dependencies") or []:
        if isinstance(dep, dict) and dep.get("name"):
            name = str(dep["name"])
            out.append(
                Dependency(
                    name,
                    str(dep.get("version", "")),
                    locked.get(name),
                    str(dep.get("repository", "")),
                )
            )
    return tuple(out)


def yaml_file(files: Mapping[str, bytes], name: str, where: str | None = None) -> dict[str, Any]:
    rel = where or name
    try:
        doc = load_yaml(SourceFile(Path(rel), rel, decode_text(files[name], rel)))
    except InputError as exc:
        raise ChartArchiveError(f"{rel}: {exc.message}") from None
    if not isinstance(doc.data, dict):
        raise ChartArchiveError(f"{rel} is not a YAML mapping")
    return doc.data


def _is_exact(version: str) -> bool:
    core = version.lstrip("v").split("+", 1)[0].split("-", 1)[0]
    parts = core.split(".")
    return len(parts) == 3 and all(p.isdigit() for p in parts)
