"""A chart whose values schema refers to a remote schema (`"$ref": "https://..."`).

Helm fetches it to check the values at every render, install and upgrade (airflow,
netbox and NGINX's ingress controller ship such schemas; air-gapped installs of them
fail). `lint --offline` promised to reach no network and fetched it at every render:
now it does not render such a chart, and says so (BPG011). Online, a schema that
cannot be fetched fails the render at its `$ref`, with the fix (BPG003). The remote
here is a server on 127.0.0.1 that counts what it is asked."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from blueprintc.remote_schemas import remote_refs
from tests.cli.helpers import write_workspace
from tests.lint.test_upstream_objects import UPSTREAM_CHART, wrapper
from tests.offline import closed_port, schema_server

CHART = "blueprints/demo/chart"
RENDERED = {
    "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    "  labels:\n    app.kubernetes.io/name: x\n    app.kubernetes.io/instance: x\n"
    "    app.kubernetes.io/managed-by: Helm\ndata:\n  a: '1'\n  b: '2'\n"
}


def _schema(url: str) -> str:
    return json.dumps(
        {"type": "object", "properties": {"image": {"$ref": f"{url}#/definitions/x"}}},
        indent=2,
    )


def _lint(workspace: Path, offline: bool) -> list[Diagnostic]:
    return lint([workspace], root=workspace, jobs=1, offline=offline).active


def _own(tmp_path: Path, url: str) -> Path:
    return write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\nimage: {}\n"},
        extra={f"{CHART}/values.schema.json": _schema(url)},
    )


def test_offline_lint_never_fetches_a_remote_schema(tmp_path: Path) -> None:
    with schema_server() as server:
        workspace = _own(tmp_path, server.url)
        assert _lint(workspace, offline=False) == []  # online: fetched, and it renders
        assert server.requests
        fetched = len(server.requests)

        [found] = _lint(workspace, offline=True)
        assert len(server.requests) == fetched  # nothing more asked
    assert (found.rule, found.severity.label) == ("BPG011", "info")
    where = (found.location.file, found.location.line, found.location.column)
    assert where == (f"{CHART}/values.schema.json", 5, 7)  # its `"$ref"`
    assert found.message.startswith(
        f"values.schema.json of bp-demo refers to {server.url}, which Helm fetches to check "
        "the values at every render; --offline skipped the chart's renders: guards skipped: "
        "smoke render (BPG003)"
    )
    assert found.hint is not None and "a Sovereign without egress to 127.0.0.1" in found.hint


def test_a_remote_schema_that_cannot_be_fetched_is_reported_at_its_ref(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/defs.json"
    workspace = _own(tmp_path, url)
    [found] = _lint(workspace, offline=False)
    assert found.rule == "BPG003"
    where = (found.location.file, found.location.line)
    assert where == (f"{CHART}/values.schema.json", 5)
    assert f'failing loading "{url}#/definitions/x"' in found.message or url in found.message
    assert found.hint is not None
    assert found.hint.startswith(
        f"Helm fetches {url} (values.schema.json of bp-demo) to check the values at every "
        "render, install and upgrade, and it could not be fetched here; a Sovereign without "
        "egress to 127.0.0.1 cannot install the chart either: bundle the schema"
    )


def test_an_upstreams_remote_schema_in_its_archive_is_found_at_its_entry(
    tmp_path: Path,
) -> None:
    with schema_server() as server:
        upstream = {"values.schema.json": _schema(server.url), **RENDERED}
        workspace = wrapper(tmp_path, "replicas: 1\n", {}, upstream)
        [found] = _lint(workspace, offline=True)
        assert not server.requests
    assert found.rule == "BPG011"
    assert (found.location.file, found.location.line) == (f"{CHART}/Chart.yaml", 5)
    assert "values.schema.json of upstream-app refers to" in found.message


def test_an_archive_inside_an_archive_is_read_too(tmp_path: Path) -> None:
    """A packaged upstream holds its own subcharts as archives (`charts/x.tgz` inside)."""
    from blueprintc.remote_schemas import chart_remote_refs

    inner = _archive(
        "inner",
        {
            "Chart.yaml": "name: inner\n",
            "values.schema.json": _schema("https://schemas.example.test/a.json"),
        },
    )
    outer = _archive(
        "upstream-app", {"Chart.yaml": UPSTREAM_CHART}, {"charts/inner-1.0.0.tgz": inner}
    )
    chart = tmp_path / "chart"
    (chart / "charts").mkdir(parents=True)
    (chart / "charts" / "upstream-app-1.0.0.tgz").write_bytes(outer)
    [ref] = chart_remote_refs(chart, tmp_path, 1 << 20)
    assert (ref.chart, ref.url, ref.host) == (
        "inner",
        "https://schemas.example.test/a.json",
        "schemas.example.test",
    )


def test_which_refs_are_remote() -> None:
    schema = {
        "$id": "https://example.test/schemas/root.json",
        "properties": {
            "a": {"$ref": "#/definitions/a"},  # local
            "b": {"$ref": "b.json#/x"},  # relative to the $id: remote
            "c": {"$ref": "https://other.test/c.json"},
            "d": {"$ref": "https://other.test/c.json#/y"},  # the same document
            "e": {"default": {"$ref": "https://not.a.ref/"}},  # data, not a schema
        },
    }
    assert remote_refs(schema) == [
        "https://example.test/schemas/b.json",
        "https://other.test/c.json",
    ]
    assert remote_refs({"properties": {"a": {"$ref": "file.json"}}}) == []  # no base: local


def _archive(name: str, files: dict[str, str], raw: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        items = [(rel, text.encode()) for rel, text in files.items()] + list((raw or {}).items())
        for rel, data in items:
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_remote_schema_a_fetched_one_refers_to_is_reported_at_the_chart(
    tmp_path: Path,
) -> None:
    """The schema Helm fetched refers to another it cannot fetch: no file of the chart
    names that one, so the finding stands at Chart.yaml's `name:`."""
    other = f"http://127.0.0.1:{closed_port()}/other.json"
    served = json.dumps({"definitions": {"x": {"$ref": other}}})
    with schema_server(served) as server:
        workspace = _own(tmp_path, server.url)
        [found] = _lint(workspace, offline=False)
    assert found.rule == "BPG003"
    assert (found.location.file, found.location.line) == (f"{CHART}/Chart.yaml", 2)
    assert found.hint is not None and found.hint.startswith(f"Helm fetches {other}")
