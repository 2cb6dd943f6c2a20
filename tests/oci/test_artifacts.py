"""Helm charts interoperate with the real Helm SDK; Flux artifacts are deterministic."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import helm_python as helm
import pytest

from blueprintc.oci import (
    LayoutStore,
    RegistryStore,
    flux_artifact,
    flux_layer,
    helm_chart_artifact,
    helm_chart_tag,
    read_archive,
    safe_extract,
)
from blueprintc.oci.artifacts import (
    FLUX_CONFIG_MEDIA_TYPE,
    FLUX_CONTENT_MEDIA_TYPE,
    HELM_CHART_MEDIA_TYPE,
    HELM_CONFIG_MEDIA_TYPE,
)
from blueprintc.oci.chartmeta import chart_metadata

from .registry_fixture import RegistryServer

RICH_CHART_YAML = """\
apiVersion: v2
name: rich
description: "Café <b> & co\tstuff"
version: 1.2.3
appVersion: "2.0"
home: https://example.com/home
sources: [https://example.com/src1, https://example.com/src2]
keywords: [a, b]
maintainers:
  - {name: Ann, email: ann@example.com}
  - {name: Bob, url: https://bob.example}
icon: https://example.com/icon.png
kubeVersion: ">=1.25.0"
annotations:
  org.opencontainers.image.version: "9.9.9"
  org.opencontainers.image.description: override
  example.com/note: naïve
dependencies:
  - name: dep
    version: 1.0.0
    repository: oci://example.com/charts
    condition: dep.enabled
    alias: mydep
    import-values: [{parent: b, child: a}, data]
type: application
"""


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Two packaged charts: Helm's scaffold and one using every metadata field."""
    work = tmp_path_factory.mktemp("charts")
    helm.Chart.create("bp-demo", work)
    rich = work / "rich"
    (rich / "charts" / "dep").mkdir(parents=True)
    (rich / "Chart.yaml").write_text(RICH_CHART_YAML, encoding="utf-8")
    (rich / "values.yaml").write_text("x: 1\n")
    (rich / "charts" / "dep" / "Chart.yaml").write_text(
        "apiVersion: v2\nname: dep\nversion: 1.0.0\n"
    )
    out = work / "dist"
    out.mkdir()
    return {
        name: Path(helm.package(work / name, destination=out)).read_bytes()
        for name in ("bp-demo", "rich")
    }


@pytest.mark.parametrize("name", ["bp-demo", "rich"])
def test_helm_push_is_what_we_build(
    registry: RegistryServer, charts: dict[str, bytes], tmp_path: Path, name: str
) -> None:
    tgz = tmp_path / f"{name}.tgz"
    tgz.write_bytes(charts[name])
    helm.push(tgz, f"oci://{registry.host}/helm-pushed", plain_http=True)
    store = RegistryStore(registry.host)
    version = chart_metadata(charts[name])["version"]
    fetched = store.get_manifest(f"helm-pushed/{name}", version)
    doc = fetched.json()
    assert doc["config"]["mediaType"] == HELM_CONFIG_MEDIA_TYPE
    assert [layer["mediaType"] for layer in doc["layers"]] == [HELM_CHART_MEDIA_TYPE]
    assert store.get_blob(f"helm-pushed/{name}", doc["layers"][0]["digest"]) == charts[name]
    # Same created stamp as Helm's => byte-identical manifest (and so the same digest).
    ours = helm_chart_artifact(
        charts[name], created=doc["annotations"]["org.opencontainers.image.created"]
    )
    assert ours.config[1] == store.get_blob(f"helm-pushed/{name}", doc["config"]["digest"])
    assert ours.manifest == fetched.data
    assert ours.digest == fetched.digest


def test_helm_pulls_what_we_push(
    registry: RegistryServer, charts: dict[str, bytes], tmp_path: Path
) -> None:
    artifact = helm_chart_artifact(charts["bp-demo"])
    assert "org.opencontainers.image.created" not in json.loads(artifact.manifest)["annotations"]
    store = RegistryStore(registry.host)
    artifact.push(store, "ours/bp-demo", helm_chart_tag("0.1.0"))
    helm.pull(
        f"oci://{registry.host}/ours/bp-demo",
        version="0.1.0",
        destination=tmp_path,
        plain_http=True,
    )
    pulled = tmp_path / "bp-demo-0.1.0.tgz"
    assert pulled.read_bytes() == charts["bp-demo"]
    chart = helm.Chart.load(pulled)
    assert (chart.name, chart.version) == ("bp-demo", "0.1.0")


def test_helm_chart_is_deterministic(
    charts: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = helm_chart_artifact(charts["rich"])
    assert first == helm_chart_artifact(charts["rich"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = json.loads(helm_chart_artifact(charts["rich"]).manifest)
    assert stamped["annotations"]["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z"
    assert helm_chart_tag("1.0.0+build.7") == "1.0.0_build.7"


def _write_tree(root: Path, order: list[str], mtime: int, mode: int) -> Path:
    contents = {
        "kustomization.yaml": b"resources: [apps/release.yaml]\n",
        "apps/release.yaml": b"kind: HelmRelease\n",
        "apps/values/a.yaml": b"a: 1\n",
    }
    for name in order:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(contents[name])
        path.chmod(mode)
        os.utime(path, (mtime, mtime))
    return root


def test_flux_artifact_is_byte_identical_across_builds(tmp_path: Path) -> None:
    names = ["kustomization.yaml", "apps/release.yaml", "apps/values/a.yaml"]
    one = _write_tree(tmp_path / "one", names, mtime=1_000, mode=0o644)
    two = _write_tree(tmp_path / "two", names[::-1], mtime=2_000_000_000, mode=0o664)
    a = flux_artifact(one, source="https://git.example/org/app.git", revision="main@sha1:abc")
    b = flux_artifact(two, source="https://git.example/org/app.git", revision="main@sha1:abc")
    assert a.layers[0][1] == b.layers[0][1] == flux_layer(one)
    assert a.manifest == b.manifest and a.digest == b.digest

    doc = json.loads(a.manifest)
    assert doc["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert doc["config"]["mediaType"] == FLUX_CONFIG_MEDIA_TYPE
    assert doc["layers"][0]["mediaType"] == FLUX_CONTENT_MEDIA_TYPE
    assert doc["annotations"] == {
        "org.opencontainers.image.revision": "main@sha1:abc",
        "org.opencontainers.image.source": "https://git.example/org/app.git",
    }
    layer = a.layers[0][1]
    assert layer[4:8] == b"\0\0\0\0"  # gzip mtime 0
    diff_id = "sha256:" + hashlib.sha256(gzip.decompress(layer)).hexdigest()
    config = json.loads(a.config[1])
    assert config["rootfs"] == {"type": "layers", "diff_ids": [diff_id]}
    assert len(a.config[1]) == 233  # the size `flux push artifact` configs have
    in_memory = {n: (one / n).read_bytes() for n in names}
    assert (
        flux_artifact(in_memory, source="https://git.example/org/app.git", revision="main@sha1:abc")
        == a
    )


def test_flux_artifact_round_trip(
    registry: RegistryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    files = {"clusters/x/kustomization.yaml": b"resources: []\n", "README": b"hi\n"}
    artifact = flux_artifact(files, source="s", revision="r")
    assert (
        json.loads(artifact.manifest)["annotations"]["org.opencontainers.image.created"]
        == "1970-01-01T00:00:00Z"
    )
    store = RegistryStore(registry.host)
    digest = artifact.push(store, "flux/env-dev", "latest")
    layer_digest = store.get_manifest("flux/env-dev", "latest").json()["layers"][0]["digest"]
    layer = store.get_blob("flux/env-dev", layer_digest)
    assert read_archive(layer) == files
    extracted = safe_extract(layer, tmp_path / "out")
    assert sorted(extracted) == sorted(files)
    assert (tmp_path / "out" / "clusters/x/kustomization.yaml").read_bytes() == files[
        "clusters/x/kustomization.yaml"
    ]
    layout = LayoutStore(tmp_path / "oci")
    assert artifact.push(layout, "flux/env-dev", "latest") == digest
