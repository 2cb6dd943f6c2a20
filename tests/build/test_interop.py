"""Interop with cosign: its key files open through the path the CLI uses, its real
signatures verify through `verify`, and what `publish` stores has cosign's byte layout
(tests/data/cosign/FORMAT.md §1-2)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build import (
    BuildError,
    Target,
    build_blueprint,
    load_signer,
    load_verifier,
    verify_artifact,
    verify_signatures,
)
from blueprintc.signing import SignatureLayer, build_signature_image

from .conftest import make_workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "cosign"
KEYS = [
    ("tekton-chains-key", "cosign.key", "cosign.pub"),
    ("policy-controller-empty-password", "cosign.key", "cosign.pub"),
    ("cosign-keys-test", "cosign-label.key", "cosign-label.derived.pub"),
    ("cosign-keys-test", "sigstore-label.key", "sigstore-label.derived.pub"),
]
SIGNATURES = ["signature-containers-image", "signature-sigstore-rs"]


def _password(folder: str) -> str:
    return (DATA / folder / "password.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("folder", "key", "public"), KEYS, ids=[f"{k[0]}/{k[1]}" for k in KEYS])
def test_cosign_made_keys_open_with_cosign_password(
    monkeypatch: pytest.MonkeyPatch, folder: str, key: str, public: str
) -> None:
    monkeypatch.setenv("COSIGN_PASSWORD", _password(folder))
    signer = load_signer(DATA / folder / key)
    expected = load_verifier(DATA / folder / public)
    assert signer.public_key.public_numbers() == expected.public_numbers()


def test_malformed_and_wrongly_unlocked_keys_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSIGN_PASSWORD", "hello")
    with pytest.raises(BuildError, match="not PKCS#8"):
        load_signer(DATA / "cosign-keys-test" / "negative-sec1-not-pkcs8.key")
    monkeypatch.setenv("COSIGN_PASSWORD", "not-the-password-42")
    with pytest.raises(BuildError) as caught:
        load_signer(DATA / "tekton-chains-key" / "cosign.key")
    assert "not-the-password-42" not in str(caught.value)
    monkeypatch.delenv("COSIGN_PASSWORD")
    with pytest.raises(BuildError, match="COSIGN_PASSWORD is not set"):
        load_signer(DATA / "tekton-chains-key" / "cosign.key")


def _store_signature(target: Target, repo: str, digest: str, payload: bytes, sig: str) -> None:
    image = build_signature_image(digest, [SignatureLayer(payload, sig)])
    for blob in image.blobs.values():
        target.store.push_blob(repo, blob)
    target.store.push_manifest(repo, image.manifest, image.manifest_media_type, image.tag)


@pytest.mark.parametrize("folder", SIGNATURES)
def test_real_cosign_signatures_verify_through_verify(target: Target, folder: str) -> None:
    base = DATA / folder
    payload = (base / "payload.json").read_bytes()
    signature = (base / "signature.b64").read_text(encoding="ascii")
    claims = json.loads(payload)["critical"]
    digest = claims["image"]["docker-manifest-digest"]
    identity = claims["identity"]["docker-reference"]
    if (base / "manifest.json").exists():
        assert "sha256:" + hashlib.sha256((base / "manifest.json").read_bytes()).hexdigest() == (
            digest
        )
    key = load_verifier(base / "cosign.pub")
    repo = target.repo(folder)
    _store_signature(target, repo, digest, payload, signature)

    checks = verify_signatures(target.store, repo, digest, key, identity)
    assert [(c.name, c.ok) for c in checks] == [
        ("signature", True),
        ("digest", True),
        ("identity", True),
    ]
    other = verify_signatures(target.store, repo, digest, key, "registry.example/elsewhere")
    assert [c.name for c in other if not c.ok] == ["identity"]

    flipped = bytearray(payload)
    flipped[payload.index(b"cosign container")] ^= 0x01  # one byte of the payload
    tampered_repo = target.repo(folder + "-tampered")
    _store_signature(target, tampered_repo, digest, bytes(flipped), signature)
    (check,) = verify_signatures(target.store, tampered_repo, digest, key, identity)
    assert not check.ok and check.name == "signature"
    assert "does not match the payload and public key" in check.message


def test_publish_signs_with_a_cosign_made_key(
    tmp_path: Path, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sign with the decrypted tekton-chains key, verify with its cosign.pub."""
    monkeypatch.setenv("COSIGN_PASSWORD", _password("tekton-chains-key"))
    signer = load_signer(DATA / "tekton-chains-key" / "cosign.key")
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok, record.to_json()
    repo = target.repo("bp-webapp")
    public = load_verifier(DATA / "tekton-chains-key" / "cosign.pub")
    assert verify_artifact(target.store, repo, "1.4.2", public, identity=target.identity(repo)).ok


def test_what_publish_stores_has_cosigns_byte_layout(
    tmp_path: Path, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked against FORMAT.md directly, not through blueprintc's own reader."""
    monkeypatch.setenv("COSIGN_PASSWORD", _password("tekton-chains-key"))
    signer = load_signer(DATA / "tekton-chains-key" / "cosign.key")
    ws = make_workspace(tmp_path / "ws", "webapp")
    record = build_blueprint(ws / "blueprints/webapp", target=target, signer=signer)
    assert record.ok and record.published is not None
    store, repo, digest = target.store, target.repo("bp-webapp"), record.published.digest

    sig_tag = "sha256-" + digest.removeprefix("sha256:") + ".sig"
    assert sig_tag in store.tags(repo)
    manifest = json.loads(store.get_manifest(repo, sig_tag).data)
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    (layer,) = manifest["layers"]
    assert list(layer) == ["mediaType", "size", "digest", "annotations"]
    assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
    assert list(layer["annotations"]) == ["dev.cosignproject.cosign/signature"]

    payload = store.get_blob(repo, layer["digest"])
    assert len(payload) == layer["size"]
    identity = target.identity(repo)
    assert (
        payload
        == (
            '{"critical":{"identity":{"docker-reference":"' + identity + '"},'
            '"image":{"docker-manifest-digest":"' + digest + '"},'
            '"type":"cosign container image signature"},"optional":null}'
        ).encode()
    )
    der = base64.b64decode(
        layer["annotations"]["dev.cosignproject.cosign/signature"], validate=True
    )
    public = load_verifier(DATA / "tekton-chains-key" / "cosign.pub")
    public.verify(der, payload, ec.ECDSA(hashes.SHA256()))  # raises if it does not verify

    sbom_tag = "sha256-" + digest.removeprefix("sha256:") + ".sbom"
    sbom = json.loads(store.get_manifest(repo, sbom_tag).data)
    assert [entry["mediaType"] for entry in sbom["layers"]] == ["application/vnd.cyclonedx+json"]
    sbom_sig = "sha256-" + store.resolve(repo, sbom_tag).removeprefix("sha256:") + ".sig"  # type: ignore[union-attr]
    assert sbom_sig in store.tags(repo)
