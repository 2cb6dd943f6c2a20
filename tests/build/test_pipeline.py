"""The whole path: lint, dependency build, package, guards, push, pull, guard, sign,
SBOM, verify, against a real registry and against the embedded OCI layout."""

from __future__ import annotations

import json
from pathlib import Path

import helm_python
import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from blueprintc.build import Signer, State, Target, build_blueprint, verify_artifact
from blueprintc.build.attach import sbom_tag
from blueprintc.build.guards import PACKAGE, PULLED, WORKING_TREE
from blueprintc.oci import RegistryStore
from blueprintc.signing import signature_tag

from .conftest import make_workspace


def test_build_publish_verify_reference_blueprint(
    tmp_path: Path, target: Target, signer: Signer
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints" / "webapp", target=target, signer=signer)

    assert record.ok, record.to_json()
    assert (record.name, record.version, record.kind) == ("bp-webapp", "1.4.2", "helm")
    assert [g.guard for g in record.guards] == [WORKING_TREE, PACKAGE, PULLED]
    assert all(g.ok for g in record.guards)
    assert [(s.name, s.version) for s in record.subcharts] == [("webapp", "2.4.1")]
    assert record.subcharts[0].repository == "file://../../../upstream-charts/webapp"
    assert record.images == ["ghcr.io/example/webapp:6.5.3"]
    pub = record.published
    assert pub is not None and pub.state is State.PUSHED and pub.digest == record.manifest_digest
    repo = target.repo("bp-webapp")
    assert target.store.resolve(repo, "1.4.2") == pub.digest
    assert target.store.resolve(repo, signature_tag(pub.digest)) is not None
    assert target.store.resolve(repo, sbom_tag(pub.digest)) == pub.sbom_digest

    saved = json.loads((ws / "out/build/bp-webapp-1.4.2.build.json").read_text())
    assert saved == record.as_dict()
    assert saved["digest"] == pub.digest and saved["package"]["file"] == (
        "out/build/bp-webapp-1.4.2.tgz"
    )
    assert (ws / "out/build/bp-webapp-1.4.2.tgz").is_file()

    if isinstance(target.store, RegistryStore):  # Helm itself pulls what we pushed
        (tmp_path / "pull").mkdir()
        pulled = helm_python.pull(
            f"oci://{target.store.host}/{repo}", version="1.4.2", destination=tmp_path / "pull",
            plain_http=True,
        )  # fmt: skip
        assert pulled is not None
        assert (tmp_path / "pull/bp-webapp-1.4.2.tgz").read_bytes() == (
            ws / "out/build/bp-webapp-1.4.2.tgz"
        ).read_bytes()

    result = verify_artifact(
        target.store, repo, "1.4.2", signer.public_key, identity=target.identity(repo)
    )
    assert result.ok, result.checks
    assert {c.name for c in result.checks} >= {
        "resolve", "signature", "digest", "identity", "content", "dependencies",
        "sbom", "sbom-signature",
    }  # fmt: skip


def test_sbom_is_valid_cyclonedx_listing_chart_subcharts_and_images(
    tmp_path: Path, signer: Signer
) -> None:
    from blueprintc.build import open_target

    ws = make_workspace(tmp_path / "ws", "observability")
    target = open_target(None, layout=ws / "out" / "oci")
    record = build_blueprint(ws / "blueprints" / "observability", target=target, signer=signer)
    assert record.ok, record.to_json()
    assert record.published is not None
    repo = target.repo("bp-observability")
    manifest = target.store.get_manifest(repo, sbom_tag(record.published.digest)).json()
    assert [layer["mediaType"] for layer in manifest["layers"]] == [
        "application/vnd.cyclonedx+json"
    ]
    data = target.store.get_blob(repo, manifest["layers"][0]["digest"])
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(data.decode()) is None
    bom = json.loads(data)
    main = bom["metadata"]["component"]
    assert (main["name"], main["version"]) == ("bp-observability", "1.1.0")
    assert record.published.digest in main["purl"]
    subcharts = {(c["name"], c["version"]) for c in bom["components"] if c["type"] == "library"}
    assert subcharts == {("metrics-collector", "0.9.2"), ("log-shipper", "3.1.0")}
    for component in (c for c in bom["components"] if c["type"] == "library"):
        assert component["hashes"][0]["alg"] == "SHA-256"
        assert component["properties"][0]["value"].startswith("file://")
    images = {c["name"] for c in bom["components"] if c["type"] == "container"}
    assert images == {"ghcr.io/example/log-shipper", "ghcr.io/example/metrics-collector"}


@pytest.mark.parametrize("blueprint", ["docs-portal", "network-policies"])
def test_other_chart_shapes_build_and_verify(
    tmp_path: Path, blueprint: str, signer: Signer
) -> None:
    """An unpacked subchart with a requires-overlay render; a default-off no-upstream chart."""
    from blueprintc.build import open_target

    ws = make_workspace(tmp_path / "ws", blueprint)
    target = open_target(None, layout=ws / "out" / "oci")
    record = build_blueprint(ws / "blueprints" / blueprint, target=target, signer=signer)
    assert record.ok, record.to_json()
    repo = target.repo(record.name)
    tag = record.version
    result = verify_artifact(
        target.store, repo, tag, signer.public_key, identity=target.identity(repo)
    )
    assert result.ok, result.checks


def test_kustomize_blueprint_is_a_signed_flux_artifact(tmp_path: Path, signer: Signer) -> None:
    from blueprintc.build import open_target
    from blueprintc.oci.artifacts import FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE

    ws = make_workspace(tmp_path / "ws", "org-defaults")
    target = open_target(None, layout=ws / "out" / "oci")
    record = build_blueprint(ws / "blueprints" / "org-defaults", target=target, signer=signer)
    assert record.ok, record.to_json()
    assert record.kind == "kustomize" and record.subcharts == [] and record.guards == []
    repo = target.repo("bp-org-defaults")
    manifest = target.store.get_manifest(repo, "1.0.0").json()
    assert manifest["config"]["mediaType"] == FLUX_CONFIG_MEDIA_TYPE
    assert [layer["mediaType"] for layer in manifest["layers"]] == [FLUX_CONTENT_MEDIA_TYPE]
    result = verify_artifact(
        target.store, repo, "1.0.0", signer.public_key, identity=target.identity(repo)
    )
    assert result.ok, result.checks
    assert {"signature", "sbom", "sbom-signature"} <= {c.name for c in result.checks}


def test_build_without_push_packages_and_guards_only(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints" / "webapp")
    assert record.ok and record.published is None
    assert [g.guard for g in record.guards] == [WORKING_TREE, PACKAGE]
    assert not (ws / "out" / "oci").exists()


def test_packages_are_reproducible_across_checkouts(tmp_path: Path) -> None:
    """Fresh copies (new file times, rebuilt charts/*.tgz) give the same digest."""
    first = build_blueprint(make_workspace(tmp_path / "a", "webapp") / "blueprints/webapp")
    second = build_blueprint(make_workspace(tmp_path / "b", "webapp") / "blueprints/webapp")
    assert first.manifest_digest == second.manifest_digest
    assert first.package_digest == second.package_digest


def test_images_are_rendered_for_the_workspaces_kubernetes_version(
    tmp_path: Path, signer: Signer
) -> None:
    """A chart that picks its image by the cluster's version (SPIRE's hooks run
    `rancher/kubectl:<.Capabilities.KubeVersion>`): the SBOM lists the image a cluster of
    the workspace's `kubernetesVersion` runs, not the SDK's newer default (kubectl v1.36.0
    for a 1.32 platform), says which version that is, and verify renders the pulled chart
    for the version the SBOM names."""
    from blueprintc.build import open_target

    ws = make_workspace(tmp_path / "ws", "webapp")
    config = ws / "blueprintc.yaml"
    config.write_text(config.read_text() + "kubernetesVersion: 1.30.4\n")
    deployment = ws / "upstream-charts" / "webapp" / "templates" / "deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace(
            ":{{ .Values.image.tag }}",
            ":{{ .Values.image.tag }}-k{{ .Capabilities.KubeVersion.Major }}"
            ".{{ .Capabilities.KubeVersion.Minor }}",
        )
    )
    target = open_target(None, layout=ws / "out" / "oci")
    record = build_blueprint(ws / "blueprints" / "webapp", target=target, signer=signer)
    assert record.ok, record.to_json()
    assert record.images == ["ghcr.io/example/webapp:6.5.3-k1.30"]
    assert json.loads(record.to_json())["kubernetesVersion"] == "1.30.4"
    assert record.published is not None
    repo = target.repo("bp-webapp")
    manifest = target.store.get_manifest(repo, sbom_tag(record.published.digest)).json()
    bom = json.loads(target.store.get_blob(repo, manifest["layers"][0]["digest"]))
    assert {"name": "blueprintc:kubernetesVersion", "value": "1.30.4"} in bom["metadata"][
        "component"
    ]["properties"]

    config.write_text(config.read_text().replace("1.30.4", "1.31.0"))  # verify does not read it
    result = verify_artifact(
        target.store, repo, "1.4.2", signer.public_key, identity=target.identity(repo)
    )
    assert result.ok, result.checks
