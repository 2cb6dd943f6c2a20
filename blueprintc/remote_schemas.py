"""Remote `$ref`s in a chart's values schemas, which Helm fetches at every render.

Helm checks a release's values against the values.schema.json of the chart and of each
subchart before it renders, and resolves every `$ref` as it compiles them: a `$ref` to an
http(s) URL is fetched then, at each render, install and upgrade. Real charts do this
(apache/airflow#20539, netbox-community/netbox-chart#413, NGINX's ingress controller:
rancher/fleet#1430), and it breaks whatever cannot reach the URL: a Sovereign without
egress, an air-gapped CI runner (a connect that times out, per render). `lint --offline`
promises to reach no network, so it does not render such a chart (BPG011 says so).

The schemas are read where Helm reads them for a render: the chart's own
`values.schema.json`, every one under its `charts/` (directories and archives, and the
archives an archive holds), and its `file://` dependencies' sources (a stand-in renders
them before they are built); never outside the workspace, each within the size limit.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

SCHEMA_FILE = "values.schema.json"


@dataclass(frozen=True)
class RemoteRef:
    schema: str  # the schema file: `values.schema.json`, `charts/x/values.schema.json`,
    # `charts/x-1.0.0.tgz:x/values.schema.json` (relative to the chart directory)
    chart: str  # the chart whose schema it is (the directory's or archive's name)
    url: str  # what Helm fetches

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


def remote_refs(schema: Any, base: str = "") -> list[str]:
    """The http(s) URLs `schema`'s `$ref`s make Helm fetch (fragments dropped), in order,
    each once; a relative `$ref` counts when an http(s) `$id` above it is its base."""
    found: list[str] = []
    for url in _walk(schema, base):
        if url not in found:
            found.append(url)
    return found


def _walk(node: Any, base: str) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, base)
        return
    if not isinstance(node, dict):
        return
    own_id = node.get("$id")
    if isinstance(own_id, str) and own_id:
        base = urljoin(base, own_id) if base else own_id
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        target = urljoin(base, ref) if base else ref
        if target.startswith(("http://", "https://")):
            yield target.split("#", 1)[0]
    for key, value in node.items():
        if key not in ("$ref", "$id", "enum", "const", "default", "examples"):
            yield from _walk(value, base)


def chart_remote_refs(chart_dir: Path, root: Path, max_bytes: int) -> list[RemoteRef]:
    """Every remote `$ref` of the schemas Helm reads to render the chart in `chart_dir`
    (see the module docstring), sources inside `root` only."""
    from blueprintc.chartsources import local_chart_sources

    found = list(_in_directory(chart_dir, "", root, max_bytes))
    for source in local_chart_sources(chart_dir):
        if source.is_relative_to(root) and source != chart_dir:
            found.extend(_in_directory(source, f"{source.name}/", root, max_bytes))
    return found


def _in_directory(chart: Path, label: str, root: Path, max_bytes: int) -> Iterator[RemoteRef]:
    schema = chart / SCHEMA_FILE
    text = _read(schema, root, max_bytes)
    if text is not None and "$ref" in text:
        yield from _refs(text, f"{label}{SCHEMA_FILE}", _chart_name(chart, root))
    try:
        entries = sorted((chart / "charts").iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            yield from _in_directory(entry, f"{label}charts/{entry.name}/", root, max_bytes)
        elif entry.name.endswith(".tgz"):
            data = _read_bytes(entry, root, max_bytes)
            if data is not None:
                yield from _in_archive(data, f"{label}charts/{entry.name}:", max_bytes, 2)


def _in_archive(data: bytes, label: str, max_bytes: int, depth: int) -> Iterator[RemoteRef]:
    """The schemas in a chart archive, and in the archives it holds (`depth` levels)."""
    import tarfile

    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or member.size > max_bytes:
                    continue
                name = member.name
                is_schema = name.endswith(f"/{SCHEMA_FILE}")
                if not is_schema and not (depth > 1 and name.endswith(".tgz")):
                    continue
                handle = tar.extractfile(member)
                content = handle.read() if handle is not None else b""
                if is_schema:
                    chart = name.split("/")[-2]
                    yield from _refs(content.decode("utf-8", "replace"), label + name, chart)
                else:
                    yield from _in_archive(content, f"{label}{name}:", max_bytes, depth - 1)
    except (tarfile.TarError, OSError, EOFError):
        return  # a broken archive: Helm's load of the chart says so


def _chart_name(chart: Path, root: Path) -> str:
    """The name its Chart.yaml gives the chart in `chart`, else the directory's."""
    from blueprintc.chartsources import plain_mapping

    name = plain_mapping(chart / "Chart.yaml", root).get("name")
    return name if isinstance(name, str) and name else chart.name


def _refs(text: str, schema: str, chart: str) -> Iterator[RemoteRef]:
    if "$ref" not in text:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return  # not JSON: Helm's load of the chart says so
    for url in remote_refs(data):
        yield RemoteRef(schema, chart, url)


def _read(path: Path, root: Path, max_bytes: int) -> str | None:
    data = _read_bytes(path, root, max_bytes)
    return None if data is None else data.decode("utf-8", "replace")


def _read_bytes(path: Path, root: Path, max_bytes: int) -> bytes | None:
    try:
        if not path.is_file() or not path.resolve().is_relative_to(root):
            return None
        if path.stat().st_size > max_bytes:
            return None
        return path.read_bytes()
    except OSError:
        return None
