"""`helm dependency list` statuses, answered without Helm when its answer is certain.

Helm's `dependency list` loads the whole chart again, then each archive in
`charts/`. For the common case, a dependency whose `charts/<name>-*.tgz` glob
matches exactly one regular file, and that file loads (through the same SDK
loader) as a chart of that name at exactly the declared version, Helm's verdict
is "ok" (`statArchiveForStatus`); the chart already loaded for rendering names the
dependencies. With no archive, a loaded subchart of that name at exactly that version
is "unpacked". Anything else (several archives, a version that needs a range check,
a chart that does not load) goes to Helm, for the whole list.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from blueprintc import helm

_GLOB_MAGIC = "*?[\\"  # Go's filepath.Glob meta characters (Unix)
# sha256 of an archive's bytes -> the (name, version) Helm loaded it as, None when it
# did not load: the same bytes load the same way, so each distinct archive is loaded
# once per process (50-Blueprint lint benchmark: 33 archive loads -> 6).
_ARCHIVES: dict[str, tuple[Any, Any] | None] = {}
_ARCHIVES_MAX = 4096


def dependency_status(
    chart_dir: Path, chart: helm.Chart | None, budget: helm.Budget = helm.DEFAULT_BUDGET
) -> list[dict[str, Any]]:
    """Helm's status of each dependency declared by the chart in `chart_dir`; `chart`
    is that chart as loaded by the SDK (None when it did not load). Raises
    helm.ChartLoadError when Helm cannot load the chart."""
    known = _certain(chart_dir, chart, budget) if chart is not None else None
    return known if known is not None else helm.dependency_status(chart_dir, budget)


def _certain(
    chart_dir: Path, chart: helm.Chart, budget: helm.Budget
) -> list[dict[str, Any]] | None:
    declared = chart.metadata.get("dependencies")
    charts = os.path.join(chart_dir, "charts")
    if not declared or os.path.normpath(charts) != charts or any(c in charts for c in _GLOB_MAGIC):
        return None  # Go cleans the path lexically; let Helm handle `..` and glob characters
    try:
        names = os.listdir(charts)
    except OSError:
        return None
    result = []
    loaded: dict[str, Any] | None = None
    for dep in declared:
        fields = [dep.get(key) for key in ("name", "version", "repository")]
        if not all(isinstance(value, str) and value for value in fields):
            return None
        name, version, repository = fields
        if any(c in name for c in _GLOB_MAGIC):
            return None
        prefix = f"{name}-"
        archives = [n for n in names if _glob_match(n, prefix, ".tgz")]
        if not archives:
            # No archive: Helm looks among the loaded subcharts (the last of that name).
            if loaded is None:
                loaded = {str(c.get("name")): c.get("version") for c in chart.dependencies}
            if loaded.get(name) != version:
                return None  # missing, or a version range to check
            status = "unpacked"
        elif len(archives) == 1 and _archive_is(os.path.join(charts, archives[0]), dep, budget):
            status = "ok"
        else:
            return None
        result.append(
            {"name": name, "version": version, "repository": repository, "status": status}
        )
    return result


def _glob_match(name: str, prefix: str, suffix: str) -> bool:
    """`name` matches the glob `<prefix>*<suffix>` (`*` may be empty)."""
    return (
        len(name) >= len(prefix) + len(suffix) and name.startswith(prefix) and name.endswith(suffix)
    )


def _archive_is(path: str, dep: dict[str, Any], budget: helm.Budget) -> bool:
    """The regular file at `path` loads as the chart `dep` names, at exactly its version."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as archive:
            digest = hashlib.file_digest(archive, "sha256").hexdigest()
    except OSError:
        return False
    if digest not in _ARCHIVES:  # the same upstream archive is vendored by many Blueprints
        try:
            metadata = helm.load_chart(Path(path), budget).metadata
            _ARCHIVES[digest] = (metadata.get("name"), metadata.get("version"))
        except helm.ChartLoadError:
            _ARCHIVES[digest] = None
        if len(_ARCHIVES) > _ARCHIVES_MAX:
            _ARCHIVES.pop(next(iter(_ARCHIVES)))
    return _ARCHIVES[digest] == (dep["name"], dep["version"])
