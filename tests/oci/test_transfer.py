"""copy() moves artifacts between a layout directory and a real registry."""

from __future__ import annotations

from pathlib import Path

import helm_python as helm
import pytest

from blueprintc.oci import LayoutStore, RegistryStore, copy, flux_artifact, helm_chart_artifact
from blueprintc.oci.content import OCI_INDEX, OCI_MANIFEST, Descriptor, go_json

from .registry_fixture import RegistryServer


def test_layout_to_registry_to_layout(registry: RegistryServer, tmp_path: Path) -> None:
    first = LayoutStore(tmp_path / "a")
    artifact = flux_artifact({"k.yaml": b"kind: Kustomization\n"}, source="s", revision="r")
    digest = artifact.push(first, "envs/dev", "v1")
    remote = RegistryStore(registry.host)
    assert copy(first, remote, "envs/dev", "v1", dst_repo="copied/envs-dev") == digest
    assert remote.resolve("copied/envs-dev", "v1") == digest
    second = LayoutStore(tmp_path / "b")
    assert copy(remote, second, "copied/envs-dev", digest, tag="promoted") == digest
    assert second.get_manifest("copied/envs-dev", "promoted").data == artifact.manifest
    for desc, data in (artifact.config, *artifact.layers):
        assert second.get_blob("copied/envs-dev", desc.digest) == data


def test_chart_published_from_layout_is_pullable_by_helm(
    registry: RegistryServer, tmp_path: Path
) -> None:
    helm.Chart.create("bp-copied", tmp_path)
    tgz = Path(helm.package(tmp_path / "bp-copied", destination=tmp_path)).read_bytes()
    layout = LayoutStore(tmp_path / "oci")
    helm_chart_artifact(tgz).push(layout, "bp-copied", "0.1.0")
    copy(layout, RegistryStore(registry.host), "bp-copied", "0.1.0", dst_repo="pub/bp-copied")
    out = tmp_path / "pulled"
    out.mkdir()
    helm.pull(
        f"oci://{registry.host}/pub/bp-copied", version="0.1.0", destination=out, plain_http=True
    )
    assert (out / "bp-copied-0.1.0.tgz").read_bytes() == tgz


@pytest.mark.parametrize("with_signatures", [True, False])
def test_copy_with_cosign_companions(
    registry: RegistryServer, tmp_path: Path, with_signatures: bool
) -> None:
    layout = LayoutStore(tmp_path)
    digest = flux_artifact({"a": b"1"}, source="s", revision="r").push(layout, "app", "v1")
    payload = layout.push_blob(
        "app", b'{"critical":{}}', "application/vnd.dev.cosign.simplesigning.v1+json"
    )
    config = layout.push_blob("app", b"{}", "application/vnd.oci.image.config.v1+json")
    sig = go_json(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.to_dict(),
            "layers": [payload.to_dict()],
        }
    )
    sig_tag = digest.replace(":", "-") + ".sig"
    layout.push_manifest("app", sig, OCI_MANIFEST, tag=sig_tag)
    remote = RegistryStore(registry.host)
    target = f"sigs/{'with' if with_signatures else 'without'}"
    copy(layout, remote, "app", "v1", dst_repo=target, with_signatures=with_signatures)
    expected = ["v1", sig_tag] if with_signatures else ["v1"]
    assert remote.tags(target) == sorted(expected)


def test_copy_index_with_children(registry: RegistryServer, tmp_path: Path) -> None:
    layout = LayoutStore(tmp_path)
    children = []
    for name in ("amd64", "arm64"):
        art = flux_artifact({name: name.encode()}, source="s", revision=name)
        art.push(layout, "multi")
        children.append(Descriptor(OCI_MANIFEST, art.digest, len(art.manifest)).to_dict())
    index = go_json({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children})
    layout.push_manifest("multi", index, OCI_INDEX, tag="all")
    remote = RegistryStore(registry.host)
    digest = copy(layout, remote, "multi", "all", dst_repo="copied/multi")
    assert remote.get_manifest("copied/multi", "all") == (index, OCI_INDEX, digest)
    for child in children:
        assert remote.get_manifest("copied/multi", child["digest"]).digest == child["digest"]
