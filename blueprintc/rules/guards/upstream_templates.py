"""What an upstream chart vendored in `charts/` reads of its values, from its templates'
text: evidence a render cannot give when the upstream renders an object only for data a
Sovereign supplies (blackbox-exporter's ServiceMonitors, one per `serviceMonitor.targets`
entry, none by default). Also its values.schema.json (what a value it requires may be)
and values.yaml (the keys it has defaults for).

The templates are read where `helm dependency build` leaves them: `charts/<name>/` or the
archive `charts/<name>-<version>.tgz` (`<name>/templates/...` inside); before a build,
from a `file://` dependency's source directory (an upstream vendored as `vendor/<name>`);
never outside the workspace, each file within the workspace's size limit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.chartsources import file_source, plain_mapping
from blueprintc.rules.context import BlueprintContext


@dataclass(frozen=True)
class _Upstream:
    texts: tuple[str, ...]  # its own templates
    subcharts: frozenset[str]  # the keys its own subcharts' values go under
    schema: str = ""  # its values.schema.json
    values: str = ""  # its values.yaml


def reads_value(ctx: BlueprintContext, dep: dict[str, Any], path: tuple[str, ...]) -> bool | None:
    """Whether a template of the upstream `dep` reads `.Values.<path>` (its own values:
    the path below the wrapper's key for it); None when nothing can be said: none of its
    templates could be read (not vendored, or unreadable), or the path goes into one of
    its own subcharts (kube-prometheus-stack's `grafana`), whose templates are not read
    here."""
    upstream = _upstream(ctx, dep)
    if not path or not upstream.texts:
        return None
    pattern = re.compile(r"\.Values\." + r"\.".join(map(re.escape, path)) + r"(?![\w-])")
    if any(pattern.search(text) for text in upstream.texts):
        return True
    return None if path[0] in upstream.subcharts else False


def mentions_name(ctx: BlueprintContext, dep: dict[str, Any], name: str) -> bool | None:
    """Whether a template of the upstream `dep` names `name` as a field (`.name`) or a
    string (`"name"`, for `index` and `hasKey`), whatever it belongs to; None when none
    of its templates could be read."""
    upstream = _upstream(ctx, dep)
    if not upstream.texts:
        return None
    pattern = re.compile(r"[.\"'`]" + re.escape(name) + r"(?![\w-])")
    return any(pattern.search(text) for text in upstream.texts)


def upstream_defaults(ctx: BlueprintContext, dep: dict[str, Any]) -> dict[str, Any] | None:
    """The upstream `dep`'s own values.yaml (its defaults), parsed; None when it is not
    vendored, has none, or it cannot be read or is not a mapping."""
    name = str(dep.get("name", ""))
    text = ctx.remember(f"upstream_values:{name}", lambda: _values_text(ctx, dep))
    try:
        documents = yamldata.load_all(text) if text else []
    except (ValueError, yaml.YAMLError):
        return None
    return documents[0] if documents and isinstance(documents[0], dict) else None


def upstream_subcharts(ctx: BlueprintContext, dep: dict[str, Any]) -> frozenset[str]:
    """The keys of the upstream `dep`'s values that its own subcharts take
    (kube-prometheus-stack's `grafana`)."""
    return _upstream(ctx, dep).subcharts


def upstream_schema_text(ctx: BlueprintContext, dep: dict[str, Any]) -> str:
    """The upstream `dep`'s values.schema.json as written ("" when it has none)."""
    return _upstream(ctx, dep).schema


def upstream_schema(ctx: BlueprintContext, dep: dict[str, Any]) -> Any:
    """The upstream `dep`'s values.schema.json, parsed; None when it has none, or it
    cannot be read or parsed."""
    text = upstream_schema_text(ctx, dep)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _upstream(ctx: BlueprintContext, dep: dict[str, Any]) -> _Upstream:
    name = str(dep.get("name", ""))
    return ctx.remember(f"upstream_templates:{name}", lambda: _read(ctx, dep))


def vendored(ctx: BlueprintContext, dep: dict[str, Any]) -> tuple[bool, Path] | None:
    """Where Helm reads the upstream `dep` from: (True, its directory) for
    `charts/<name>/`, or, before a build, its `file://` source; (False, the archive) for
    `charts/<name>-<version>.tgz`; None when it is in neither."""
    name, version = str(dep.get("name", "")), str(dep.get("version", ""))
    if ctx.chart_dir is None or not name or "/" in name:
        return None
    charts = ctx.chart_dir / "charts"
    unpacked = charts / name
    if (unpacked / "Chart.yaml").is_file():
        return True, unpacked
    exact = charts / f"{name}-{version}.tgz"
    archives = [exact] if exact.is_file() else sorted(charts.glob(f"{name}-*.tgz"))
    if archives:
        return False, archives[0]
    source = file_source(ctx.chart_dir, dep)
    if source is not None and (source / "Chart.yaml").is_file():
        return True, source
    return None


def _read(ctx: BlueprintContext, dep: dict[str, Any]) -> _Upstream:
    found = _files_of(ctx, dep)
    if found is None:
        return _NOTHING
    is_directory, path = found
    if is_directory:
        return _from_directory(ctx, path)
    return _from_archive(ctx, path, str(dep.get("name", "")))


def _values_text(ctx: BlueprintContext, dep: dict[str, Any]) -> str:
    """The upstream's values.yaml as written: from a directory alone, without its
    templates; from an archive, with them (one pass over it)."""
    found = _files_of(ctx, dep)
    if found is None:
        return ""
    is_directory, path = found
    if not is_directory:
        return _upstream(ctx, dep).values
    return (
        _read_text(path / "values.yaml", ctx.workspace.max_file_bytes) if _inside(ctx, path) else ""
    )


def _files_of(ctx: BlueprintContext, dep: dict[str, Any]) -> tuple[bool, Path] | None:
    """Where the upstream's files are read: `vendored`, except that an archive built from
    a `file://` source is read from the source, when it is there at the archive's version."""
    found = vendored(ctx, dep)
    if found is not None and not found[0]:
        source = _built_from(ctx, dep)
        if source is not None:
            return True, source
    return found


def _built_from(ctx: BlueprintContext, dep: dict[str, Any]) -> Path | None:
    """The `file://` source an archive of `dep` was built from, when it is there at the
    version the archive holds: its templates and values are the archive's, read without
    unpacking it (a pre-commit lint of the chart then never loads tarfile)."""
    source = file_source(ctx.chart_dir, dep) if ctx.chart_dir is not None else None
    if source is None or not _inside(ctx, source / "Chart.yaml"):
        return None
    version = plain_mapping(source / "Chart.yaml", ctx.root).get("version")
    return source if version is not None and str(version) == str(dep.get("version")) else None


_NOTHING = _Upstream((), frozenset())
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


def _inside(ctx: BlueprintContext, path: Path) -> bool:
    return ctx.workspace.real(path).is_relative_to(ctx.root)


def _from_directory(ctx: BlueprintContext, chart: Path) -> _Upstream:
    limit = ctx.workspace.max_file_bytes
    texts = []
    templates = chart / "templates"
    for path in sorted(templates.rglob("*")) if _inside(ctx, templates) else ():
        try:
            if path.is_file() and _inside(ctx, path) and path.stat().st_size <= limit:
                texts.append(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue  # unreadable: Helm's load of the chart says so
    try:
        entries = sorted(e.name for e in (chart / "charts").iterdir())
    except OSError:
        entries = []
    meta = _read_text(chart / "Chart.yaml", limit) if _inside(ctx, chart) else ""
    schema = _read_text(chart / "values.schema.json", limit) if _inside(ctx, chart) else ""
    values = _read_text(chart / "values.yaml", limit) if _inside(ctx, chart) else ""
    return _Upstream(tuple(texts), _subcharts(entries, meta), schema, values)


def _read_text(path: Path, limit: int) -> str:
    try:
        return path.read_text("utf-8", errors="replace") if path.stat().st_size <= limit else ""
    except OSError:
        return ""


def _from_archive(ctx: BlueprintContext, archive: Path, name: str) -> _Upstream:
    import tarfile  # only for a vendored archive: lint of a chart without one skips it

    limit = ctx.workspace.max_file_bytes
    texts: list[str] = []
    entries: set[str] = set()
    tops: dict[str, str] = {}  # Chart.yaml, values.schema.json, values.yaml
    try:
        if not _inside(ctx, archive) or archive.stat().st_size > limit:
            return _NOTHING
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
        return _NOTHING  # a broken archive: Helm's load says so (BPG001)
    meta = tops.get("Chart.yaml", "")
    subcharts = _subcharts(sorted(entries), meta)
    return _Upstream(
        tuple(texts), subcharts, tops.get("values.schema.json", ""), tops.get("values.yaml", "")
    )


_TOP_FILES = ("Chart.yaml", "values.schema.json", "values.yaml")
