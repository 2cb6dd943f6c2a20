"""Tampering with what is in the registry makes `verify` fail, naming the check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blueprintc.build import Signer, Target, VerifyResult, build_blueprint, verify_artifact
from blueprintc.build.attach import file_image, sbom_tag
from blueprintc.build.sbom import SBOM_MEDIA_TYPE
from blueprintc.oci.content import OCI_MANIFEST, go_json
from blueprintc.signing import signature_tag

from .conftest import make_workspace


@pytest.fixture
def published(tmp_path: Path, target: Target, signer: Signer) -> tuple[Target, str, str]:
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok and record.published is not None
    return target, target.repo("bp-webapp"), record.published.digest


def _verify(target: Target, repo: str, signer: Signer, tag: str = "1.4.2") -> VerifyResult:
    return verify_artifact(
        target.store, repo, tag, signer.public_key, identity=target.identity(repo)
    )


def _copy_tag(target: Target, repo: str, source: str, tag: str) -> None:
    fetched = target.store.get_manifest(repo, source)
    target.store.push_manifest(repo, fetched.data, fetched.media_type, tag)


def test_untouched_artifact_verifies(published: tuple[Target, str, str], signer: Signer) -> None:
    target, repo, _ = published
    assert _verify(target, repo, signer).ok


def test_changed_manifest_fails_signature(
    published: tuple[Target, str, str], signer: Signer
) -> None:
    target, repo, digest = published
    doc = target.store.get_manifest(repo, "1.4.2").json()
    doc["annotations"]["org.opencontainers.image.description"] = "tampered"
    tampered = target.store.push_manifest(repo, go_json(doc), OCI_MANIFEST, "1.4.2")

    result = _verify(target, repo, signer)
    assert not result.ok and result.digest == tampered
    assert result.failed[0] == "signature"
    assert f"no signature of {tampered}" in result.checks[1].message

    # The attacker also copies the old signature to the new digest's .sig tag:
    # the signature is genuine, but it names the old manifest.
    _copy_tag(target, repo, signature_tag(digest), signature_tag(tampered))
    result = _verify(target, repo, signer)
    assert "digest" in result.failed and "signature" not in result.failed
    check = next(c for c in result.checks if c.name == "digest")
    assert check.message == f"the payload signs manifest {digest}, not the expected {tampered}"


def test_other_signed_digest_retagged_under_the_version_fails(
    tmp_path: Path, published: tuple[Target, str, str], signer: Signer
) -> None:
    target, repo, digest = published
    ws = make_workspace(tmp_path / "next", "webapp")
    for name in ("chart/Chart.yaml", "blueprint.yaml"):
        path = ws / "blueprints/webapp" / name
        path.write_text(path.read_text().replace("1.4.2", "1.4.3"))
    newer = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert newer.ok and newer.published is not None, newer.to_json()

    _copy_tag(target, repo, "1.4.3", "1.4.2")  # a validly signed digest, wrong version
    result = _verify(target, repo, signer)
    assert result.failed == ["content"]
    check = next(c for c in result.checks if c.name == "content")
    assert (
        check.message
        == f"the tag 1.4.2 of {repo} serves chart bp-webapp 1.4.3, not bp-webapp 1.4.2"
    )

    pinned = verify_artifact(
        target.store, repo, "1.4.2", signer.public_key,
        identity=target.identity(repo), pinned_digest=digest,
    )  # fmt: skip
    assert "resolve" in pinned.failed

    # The same digest signed for another repository fails the identity check.
    other = target.repo("bp-other")
    wrong = verify_artifact(
        target.store, repo, "1.4.3", signer.public_key, identity=target.identity(other)
    )
    assert "identity" in wrong.failed


def test_altered_sbom_fails(published: tuple[Target, str, str], signer: Signer) -> None:
    target, repo, digest = published
    manifest = target.store.get_manifest(repo, sbom_tag(digest))
    old_sbom_digest = manifest.digest
    layer = manifest.json()["layers"][0]["digest"]
    bom = json.loads(target.store.get_blob(repo, layer))
    bom["components"] = [c for c in bom["components"] if c["type"] != "container"]
    altered = file_image(json.dumps(bom).encode(), SBOM_MEDIA_TYPE)
    altered.push(target.store, repo, sbom_tag(digest))

    result = _verify(target, repo, signer)
    assert set(result.failed) == {"sbom", "sbom-signature"}
    check = next(c for c in result.checks if c.name == "sbom")
    assert "the SBOM lists images []" in check.message
    assert "ghcr.io/example/webapp:6.5.3" in check.message

    # Re-using the original SBOM signature does not help: it names the old SBOM.
    _copy_tag(target, repo, signature_tag(old_sbom_digest), signature_tag(altered.digest))
    result = _verify(target, repo, signer)
    assert set(result.failed) == {"sbom", "sbom-digest"}
