"""A stand-in for a chart whose dependencies are not built, so its own templates render.

In a source tree `charts/` is absent (CI builds it). Helm renders a chart whose
subcharts are missing as if they were empty, silently; blueprintc never trusts that.
What it can do honestly is render the chart in a private copy whose `charts/` holds
each missing `file://` dependency from its source in the workspace (a helper library,
say: the real thing) and, for each other missing dependency, a stub (a Chart.yaml and
nothing else). The chart's own templates and its helper libraries then render for real,
and the guards say what they ran on. Nothing is written to the workspace.

Only regular files are copied (never a link, FIFO or device: they were refused or would
let Helm read outside the workspace), and only from inside the workspace.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc.chartsources import file_source

_MAX_COPY_BYTES = 64 * 1024 * 1024  # a stand-in never copies more than this in all


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    source: str  # workspace-relative directory it was copied from


@dataclass
class StandIn:
    """A private copy of the chart: where it is, what came from where."""

    directory: Path
    local: tuple[Library, ...]  # missing `file://` dependencies, copied from the workspace
    stubs: tuple[str, ...]  # missing dependencies stood in for by an empty chart (names)
    stub_keys: frozenset[str] = field(default_factory=frozenset)  # their names and aliases

    def close(self) -> None:
        shutil.rmtree(self.directory.parent, ignore_errors=True)


class _TooBig(Exception):
    pass


def build(
    chart_dir: Path, missing: list[dict[str, Any]], declared: list[dict[str, Any]], root: Path
) -> StandIn | None:
    """The stand-in for `chart_dir`, whose `missing` dependencies (Helm's statuses) are
    absent; None when it cannot be made (the chart is too big to copy)."""
    base = Path(tempfile.mkdtemp(prefix="blueprintc-standin-"))
    target = base / chart_dir.name
    budget = [_MAX_COPY_BYTES]
    try:
        _copy_regular(chart_dir, target, budget)
        local, stubs, keys = [], [], set()
        by_name = {str(d.get("name")): d for d in declared}
        for status in missing:
            name, version = str(status.get("name")), str(status.get("version"))
            dep = by_name.get(name, {})
            destination = target / "charts" / name
            if destination.exists():
                shutil.rmtree(destination)  # a wrong version: stood in for as well
            source = _local_source(chart_dir, dep, root)
            if source is not None:
                _copy_regular(source, destination, budget)
                local.append(Library(name, version, source.relative_to(root).as_posix()))
                continue
            destination.mkdir(parents=True)
            (destination / "Chart.yaml").write_text(
                f"apiVersion: v2\nname: {name}\nversion: {_plain(version)}\n"
                "description: blueprintc stub (the dependency is not built)\n",
                encoding="utf-8",
            )
            stubs.append(name)
            keys.update(str(dep.get(k)) for k in ("name", "alias") if dep.get(k))
        for archive in (target / "charts").glob("*.tgz"):
            if archive.name.rsplit("-", 1)[0] in {s["name"] for s in missing}:
                archive.unlink()  # a stale archive of a stood-in dependency
        return StandIn(target, tuple(local), tuple(stubs), frozenset(keys))
    except (_TooBig, OSError):
        shutil.rmtree(base, ignore_errors=True)
        return None


def _local_source(chart_dir: Path, dep: dict[str, Any], root: Path) -> Path | None:
    """The directory of a `file://` dependency, when it is a chart inside the workspace."""
    written = file_source(chart_dir, dep)
    if written is None:
        return None
    source = written.resolve()
    if not source.is_relative_to(root) or not (source / "Chart.yaml").is_file():
        return None
    return source


def _plain(version: str) -> str:
    """The declared version if it is a plain SemVer, else one any range accepts nothing
    about (Helm does not check a subchart's version when rendering)."""
    parts = version.lstrip("v").split(".")
    return version if len(parts) == 3 and all(p.isdigit() for p in parts) else "0.0.0"


def _copy_regular(source: Path, target: Path, budget: list[int]) -> None:
    """Copy the directories and regular files below `source` (no links, no devices)."""
    for top, dirs, files in os.walk(source, followlinks=False):
        relative = Path(top).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(top, d))]
        for name in files:
            path = os.path.join(top, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                continue
            budget[0] -= info.st_size
            if budget[0] < 0:
                raise _TooBig
            shutil.copyfile(path, target / relative / name, follow_symlinks=False)
