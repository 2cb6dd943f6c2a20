"""An upstream chart's own files, read where Helm reads the upstream from: its templates,
values.yaml, values.schema.json and the keys its own subcharts take. For lint's guards
(`rules.guards.upstream_templates`, per Blueprint) and compile's checks of the values an
Application gives (per catalog chart).

The files are read where `helm dependency build` leaves them: `charts/<name>/` or the
archive `charts/<name>-<version>.tgz` (`<name>/templates/...` inside); before a build,
from a `file://` dependency's source directory (an upstream vendored as `vendor/<name>`);
never outside the workspace, each file within the workspace's size limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.chartsources import file_source, plain_mapping
from blueprintc.workspace import Workspace


@dataclass(frozen=True)
class UpstreamFiles:
    texts: tuple[str, ...]  # its own templates
    subcharts: frozenset[str]  # the keys its own subcharts' values go under
    schema: str = ""  # its values.schema.json
    values: str = ""  # its values.yaml

    def names(self, name: str) -> bool | None:
        """Whether a template names `name` (`names_in`); None when none could be read."""
        if not self.texts:
            return None
        return names_in(self.texts, name)

    def renders_whole(self, path: tuple[Any, ...]) -> str | None:
        """The template expression that renders the values at `path` whole
        (`toYaml .Values.falco`), so every key under it reaches the output; None when no
        template does."""
        if not path or not all(isinstance(p, str) and p.isidentifier() for p in path):
            return None
        expr = re.escape(".Values." + ".".join(path))
        pattern = re.compile(
            rf"(?:{_SERIALISE}\s+\(?\s*{expr}|{expr}\s*\|\s*{_SERIALISE})(?![\w.])"
        )
        for text in self.texts:
            found = pattern.search(text)
            if found:
                return found.group()
        return None


_SERIALISE = r"to(?:Yaml|Json|PrettyJson|RawJson|Toml)"


def names_in(texts: Iterable[str], name: str) -> bool:
    """Whether one of `texts` (a chart's templates) names `name` as a field (`.name`) or a
    string (`"name"`, for `index` and `hasKey`), whatever it belongs to."""
    pattern = re.compile(r"[.\"'`]" + re.escape(name) + r"(?![\w-])")
    return any(pattern.search(text) for text in texts)


def parsed_values(text: str) -> dict[str, Any] | None:
    """A values.yaml's mapping; None when it is empty, not YAML or not a mapping."""
    try:
        documents = yamldata.load_all(text) if text else []
    except (ValueError, yaml.YAMLError):
        return None
    return documents[0] if documents and isinstance(documents[0], dict) else None


def vendored(chart_dir: Path | None, dep: dict[str, Any]) -> tuple[bool, Path] | None:
    """Where Helm reads the upstream `dep` from: (True, its directory) for
    `charts/<name>/`, or, before a build, its `file://` source; (False, the archive) for
    `charts/<name>-<version>.tgz`; None when it is in neither."""
    name, version = str(dep.get("name", "")), str(dep.get("version", ""))
    if chart_dir is None or not name or "/" in name:
        return None
    charts = chart_dir / "charts"
    unpacked = charts / name
    if (unpacked / "Chart.yaml").is_file():
        return True, unpacked
    exact = charts / f"{name}-{version}.tgz"
    archives = [exact] if exact.is_file() else sorted(charts.glob(f"{name}-*.tgz"))
    if archives:
        return False, archives[0]
    source = file_source(chart_dir, dep)
    if source is not None and (source / "Chart.yaml").is_file():
        return True, source
    return None


def read_files(workspace: Workspace, chart_dir: Path | None, dep: dict[str, Any]) -> UpstreamFiles:
    """Every file of the upstream `dep` that is read here (nothing when not vendored)."""
    found = files_of(workspace, chart_dir, dep)
    if found is None:
        return NOTHING
    is_directory, path = found
    if is_directory:
        return _from_directory(workspace, path)
    return _from_archive(workspace, path, str(dep.get("name", "")))


def read_defaults(
    workspace: Workspace,
    chart_dir: Path | None,
    dep: dict[str, Any],
    files: Callable[[], UpstreamFiles],
) -> dict[str, Any] | None:
    """The upstream's values.yaml, parsed (`parsed_values`): from a directory alone,
    without its templates; from an archive, by `files()` (the caller's cached
    `read_files`, which reads it with the templates in one pass)."""
    found = files_of(workspace, chart_dir, dep)
    if found is None:
        return None
    is_directory, path = found
    if not is_directory:
        return parsed_values(files().values)
    inside = _inside(workspace, path)
    return parsed_values(
        _read_text(path / "values.yaml", workspace.max_file_bytes) if inside else ""
    )


def files_of(
    workspace: Workspace, chart_dir: Path | None, dep: dict[str, Any]
) -> tuple[bool, Path] | None:
    """Where the upstream's files are read: `vendored`, except that an archive built from
    a `file://` source is read from the source, when it is there at the archive's version."""
    found = vendored(chart_dir, dep)
    if found is not None and not found[0]:
        source = _built_from(workspace, chart_dir, dep)
        if source is not None:
            return True, source
    return found


def _built_from(workspace: Workspace, chart_dir: Path | None, dep: dict[str, Any]) -> Path | None:
    """The `file://` source an archive of `dep` was built from, when it is there at the
    version the archive holds: its templates and values are the archive's, read without
    unpacking it (a pre-commit lint of the chart then never loads tarfile)."""
    source = file_source(chart_dir, dep) if chart_dir is not None else None
    if source is None or not _inside(workspace, source / "Chart.yaml"):
        return None
    version = plain_mapping(source / "Chart.yaml", workspace.root).get("version")
    return source if version is not None and str(version) == str(dep.get("version")) else None


NOTHING = UpstreamFiles((), frozenset())
# A vendored archive's file name: `<chart>-<version>.tgz`.
_ARCHIVE_NAME = re.compile(r"^(?P<chart>.+?)-\d[^/]*\.tgz$")


def entry_chart(entry: str) -> str:
    """The chart a `charts/` entry holds: a directory's name, an archive's without its
    version (`kube-state-metrics-5.0.0.tgz`: kube-state-metrics)."""
    match = _ARCHIVE_NAME.match(entry)
    return match.group("chart") if match else entry


def _subcharts(entries: list[str], chart_yaml: str) -> frozenset[str]:
    """The names in a chart's `charts/` (directories, and archives by their chart's
    name), with the names and aliases its Chart.yaml declares."""
    keys = {entry_chart(entry) for entry in entries}
    try:
        documents = yamldata.load_all(chart_yaml)
    except (ValueError, yaml.YAMLError):
        documents = []
    meta = documents[0] if documents and isinstance(documents[0], dict) else {}
    deps = meta.get("dependencies")
    for dep in deps if isinstance(deps, list) else ():
        if isinstance(dep, dict):
            keys.update(str(dep[k]) for k in ("name", "alias") if dep.get(k))
    return frozenset(keys)


def _inside(workspace: Workspace, path: Path) -> bool:
    return workspace.real(path).is_relative_to(workspace.root)


def _from_directory(workspace: Workspace, chart: Path) -> UpstreamFiles:
    limit = workspace.max_file_bytes
    texts = []
    templates = chart / "templates"
    for path in sorted(templates.rglob("*")) if _inside(workspace, templates) else ():
        try:
            if path.is_file() and _inside(workspace, path) and path.stat().st_size <= limit:
                texts.append(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue  # unreadable: Helm's load of the chart says so
    try:
        entries = sorted(e.name for e in (chart / "charts").iterdir())
    except OSError:
        entries = []
    meta = _read_text(chart / "Chart.yaml", limit) if _inside(workspace, chart) else ""
    schema = _read_text(chart / "values.schema.json", limit) if _inside(workspace, chart) else ""
    values = _read_text(chart / "values.yaml", limit) if _inside(workspace, chart) else ""
    return UpstreamFiles(tuple(texts), _subcharts(entries, meta), schema, values)


def _read_text(path: Path, limit: int) -> str:
    try:
        return path.read_text("utf-8", errors="replace") if path.stat().st_size <= limit else ""
    except OSError:
        return ""


def _from_archive(workspace: Workspace, archive: Path, name: str) -> UpstreamFiles:
    import tarfile  # only for a vendored archive: lint of a chart without one skips it

    limit = workspace.max_file_bytes
    texts: list[str] = []
    entries: set[str] = set()
    tops: dict[str, str] = {}  # Chart.yaml, values.schema.json, values.yaml
    try:
        if not _inside(workspace, archive) or archive.stat().st_size > limit:
            return NOTHING
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar.getmembers():
                parts = member.name.split("/")
                if len(parts) > 2 and parts[:2] == [name, "charts"]:
                    entries.add(parts[2])
                if not member.isfile() or member.size > limit:
                    continue
                top = len(parts) == 2 and parts[0] == name and parts[1] in _TOP_FILES
                if top or parts[:2] == [name, "templates"]:
                    handle = tar.extractfile(member)
                    text = handle.read().decode("utf-8", errors="replace") if handle else ""
                    if top:
                        tops[parts[1]] = text
                    else:
                        texts.append(text)
    except (tarfile.TarError, OSError, EOFError):
        return NOTHING  # a broken archive: Helm's load says so (BPG001)
    meta = tops.get("Chart.yaml", "")
    subcharts = _subcharts(sorted(entries), meta)
    return UpstreamFiles(
        tuple(texts), subcharts, tops.get("values.schema.json", ""), tops.get("values.yaml", "")
    )


_TOP_FILES = ("Chart.yaml", "values.schema.json", "values.yaml")
