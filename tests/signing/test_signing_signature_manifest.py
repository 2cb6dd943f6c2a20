"""The `.sig` tag layout: tag name, manifest, config and layer, as FORMAT.md describes."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.oci.content import sha256_digest
from blueprintc.signing.cosign import sign_image, verify_image_signature
from blueprintc.signing.errors import InvalidDigestError, PayloadError
from blueprintc.signing.payload import parse_payload
from blueprintc.signing.signature_manifest import (
    SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE,
    SignatureLayer,
    build_signature_image,
    signature_layers,
    signature_tag,
)

from .conftest import DATA, SIGNATURE_VECTORS

VECTOR = SIGNATURE_VECTORS[0]  # containers/image: a real cosign signature of a real manifest
SIGNED_DIGEST = parse_payload(VECTOR.payload).manifest_digest

# go-containerregistry's config for an empty image plus one layer, as found in real
# cosign `.sig` images (zero timestamps; one history entry and diff_id per layer).
CONFIG_TEMPLATE = (
    '{{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{history}],"os":"",'
    '"rootfs":{{"type":"layers","diff_ids":[{diff_ids}]}},"config":{{}}}}'
)


def _config(*payloads: bytes) -> bytes:
    return CONFIG_TEMPLATE.format(
        history=",".join(['{"created":"0001-01-01T00:00:00Z"}'] * len(payloads)),
        diff_ids=",".join(f'"{sha256_digest(p)}"' for p in payloads),
    ).encode()


def test_signature_tag_is_the_digest_with_a_dash_and_sig_suffix() -> None:
    assert SIGNED_DIGEST.startswith("sha256:634a8f35")
    assert signature_tag(SIGNED_DIGEST) == "sha256-" + SIGNED_DIGEST[7:] + ".sig"
    with pytest.raises(InvalidDigestError):
        signature_tag("sha256:short")


def test_constants_are_the_ones_format_md_names() -> None:
    format_md = (DATA / "FORMAT.md").read_text(encoding="utf-8")
    for constant in (
        SIMPLE_SIGNING_MEDIA_TYPE,
        SIGNATURE_ANNOTATION,
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.config.v1+json",
        "sha256-<hex>.sig",
    ):
        assert f"`{constant}`" in format_md, constant


def test_signature_image_bytes_for_a_real_cosign_signature() -> None:
    layer = SignatureLayer(VECTOR.payload, VECTOR.signature)
    image = build_signature_image(SIGNED_DIGEST, [layer])
    config = _config(VECTOR.payload)
    expected = (
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
        '"config":{"mediaType":"application/vnd.oci.image.config.v1+json",'
        f'"size":{len(config)},"digest":"{sha256_digest(config)}"}},'
        '"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json",'
        f'"size":{len(VECTOR.payload)},"digest":"{sha256_digest(VECTOR.payload)}",'
        f'"annotations":{{"dev.cosignproject.cosign/signature":"{VECTOR.signature}"}}}}]}}'
    )
    assert image.manifest == expected.encode()
    assert image.config == config
    assert image.tag == signature_tag(SIGNED_DIGEST)
    assert image.manifest_media_type == "application/vnd.oci.image.manifest.v1+json"
    assert image.manifest_digest == sha256_digest(image.manifest)
    assert image.blobs == {sha256_digest(config): config, layer.digest: VECTOR.payload}


def test_blueprintc_signature_follows_the_layout_and_verifies(
    fast_key: ec.EllipticCurvePrivateKey,
) -> None:
    digest = "sha256:" + "9f" * 32
    layer = sign_image(fast_key, digest, "ghcr.io/org/app")
    image = build_signature_image(digest, [layer])
    manifest = json.loads(image.manifest)
    [descriptor] = manifest["layers"]
    assert descriptor["mediaType"] == SIMPLE_SIGNING_MEDIA_TYPE
    assert list(descriptor["annotations"]) == [SIGNATURE_ANNOTATION]
    payload = image.blobs[descriptor["digest"]]
    assert len(payload) == descriptor["size"] and sha256_digest(payload) == descriptor["digest"]
    assert verify_image_signature(
        fast_key.public_key(),
        payload,
        descriptor["annotations"][SIGNATURE_ANNOTATION],
        manifest_digest=digest,
        docker_reference="ghcr.io/org/app",
    )


def test_docker_media_types_and_determinism() -> None:
    layer = SignatureLayer(VECTOR.payload, VECTOR.signature)
    docker = build_signature_image(SIGNED_DIGEST, [layer], docker_media_types=True)
    manifest = json.loads(docker.manifest)
    assert manifest["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert manifest["config"]["mediaType"] == "application/vnd.docker.container.image.v1+json"
    assert build_signature_image(SIGNED_DIGEST, [layer]) == build_signature_image(
        SIGNED_DIGEST, [layer]
    )


def test_appending_a_signature_keeps_existing_layers(fast_key: ec.EllipticCurvePrivateKey) -> None:
    first = SignatureLayer(VECTOR.payload, VECTOR.signature, {"dev.sigstore.cosign/bundle": "{}"})
    stored = build_signature_image(SIGNED_DIGEST, [first])
    [entry] = signature_layers(stored.manifest)
    assert entry.annotations == {
        "dev.cosignproject.cosign/signature": VECTOR.signature,
        "dev.sigstore.cosign/bundle": "{}",
    }
    second = sign_image(fast_key, SIGNED_DIGEST, "192.168.64.2:5000/cosign-signed-single-sample")
    both = build_signature_image(
        SIGNED_DIGEST, [entry.to_layer(stored.blobs[entry.payload_digest]), second]
    )
    assert both.config == _config(VECTOR.payload, second.payload)
    assert [s.signature for s in signature_layers(both.manifest)] == [
        VECTOR.signature,
        second.signature,
    ]
    with pytest.raises(PayloadError, match="does not match its descriptor"):
        entry.to_layer(VECTOR.payload + b" ")


def test_signature_layers_skips_what_cannot_be_verified() -> None:
    good = {
        "mediaType": SIMPLE_SIGNING_MEDIA_TYPE,
        "size": 3,
        "digest": "sha256:" + "0" * 64,
        "annotations": {SIGNATURE_ANNOTATION: "c2ln"},
    }
    manifest = {
        "layers": [
            {**good, "mediaType": "application/vnd.oci.image.layer.v1.tar"},
            {**good, "annotations": {}},
            {**good, "size": "3"},
            "junk",
            good,
        ]
    }
    assert [s.signature for s in signature_layers(manifest)] == ["c2ln"]
    assert list(signature_layers(b'{"layers": null}')) == []


def test_an_image_needs_a_signature() -> None:
    with pytest.raises(ValueError, match="at least one"):
        build_signature_image(SIGNED_DIGEST, [])
