"""Signing and verification against real cosign-made signatures."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given
from hypothesis import strategies as st

from blueprintc.oci.content import sha256_digest
from blueprintc.signing.cosign import (
    Check,
    sign_image,
    sign_payload,
    verify_image_signature,
    verify_signature,
)
from blueprintc.signing.errors import ImageReferenceError, InvalidDigestError
from blueprintc.signing.keys import load_public_key
from blueprintc.signing.payload import build_payload, parse_payload

from .conftest import DATA, KEY_VECTORS, SIGNATURE_VECTORS, SignatureVector, decrypted_key

IDS = [v.name for v in SIGNATURE_VECTORS]
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@pytest.mark.parametrize("vector", SIGNATURE_VECTORS, ids=IDS)
def test_cosign_made_signatures_verify(vector: SignatureVector) -> None:
    assert verify_signature(load_public_key(vector.public), vector.payload, vector.signature)


@pytest.mark.parametrize("vector", SIGNATURE_VECTORS, ids=IDS)
def test_changing_any_payload_byte_breaks_the_signature(vector: SignatureVector) -> None:
    key = load_public_key(vector.public)
    for index in range(len(vector.payload)):
        tampered = bytearray(vector.payload)
        tampered[index] ^= 0x01
        assert not verify_signature(key, bytes(tampered), vector.signature), index


@pytest.mark.parametrize("vector", SIGNATURE_VECTORS, ids=IDS)
def test_changing_the_signature_or_the_key_breaks_it(vector: SignatureVector) -> None:
    key = load_public_key(vector.public)
    der = bytearray(base64.b64decode(vector.signature))
    der[-1] ^= 0x01
    assert not verify_signature(key, vector.payload, base64.b64encode(der))
    others = [v for v in SIGNATURE_VECTORS if v is not vector] + list(KEY_VECTORS)
    for other in others:
        assert not verify_signature(load_public_key(other.public), vector.payload, vector.signature)


def test_containers_image_vector_binds_to_its_manifest() -> None:
    vector = SIGNATURE_VECTORS[0]
    manifest = (DATA / vector.name / "manifest.json").read_bytes()
    result = verify_image_signature(
        load_public_key(vector.public),
        vector.payload,
        vector.signature,
        manifest_digest=sha256_digest(manifest),
        docker_reference="192.168.64.2:5000/cosign-signed-single-sample:latest",
    )
    assert result.ok and result and result.failures == ()
    assert result.payload == parse_payload(vector.payload)


def test_each_failed_check_is_named() -> None:
    vector = SIGNATURE_VECTORS[1]  # registry-testing.svc.lan/busybox
    key = load_public_key(vector.public)
    digest = parse_payload(vector.payload).manifest_digest

    def failed(payload: bytes = vector.payload, signature: str = vector.signature, **kw):
        kw.setdefault("manifest_digest", digest)
        result = verify_image_signature(key, payload, signature, **kw)
        assert bool(result) is result.ok
        return result.failed_checks

    assert failed(docker_reference="registry-testing.svc.lan/busybox:1.36") == set()
    assert failed(manifest_digest="sha256:" + "0" * 64) == {Check.DIGEST}
    assert failed(docker_reference="registry-testing.svc.lan/alpine") == {Check.IDENTITY}
    assert failed(docker_reference="busybox") == {Check.IDENTITY}
    assert failed(payload=vector.payload.replace(b"busybox", b"busyb0x")) == {Check.SIGNATURE}
    assert failed(signature="not base64!") == {Check.SIGNATURE}
    assert failed(payload=b"{}") == {Check.SIGNATURE, Check.PAYLOAD}

    result = verify_image_signature(key, vector.payload, "%%%", manifest_digest=digest)
    assert [f.message for f in result.failures] == ["the signature is not valid standard base64"]
    result = verify_image_signature(key, vector.payload, vector.signature, manifest_digest=DIGEST)
    assert DIGEST in result.failures[0].message and digest in result.failures[0].message


DIGEST = "sha256:" + "12" * 32


def test_identity_is_compared_as_cosign_normalises_it(fast_key: ec.EllipticCurvePrivateKey) -> None:
    layer = sign_image(fast_key, DIGEST, "index.docker.io/library/busybox")
    public = fast_key.public_key()
    for expected in ("busybox", "docker.io/busybox:1.36", "index.docker.io/library/busybox"):
        assert verify_image_signature(
            public,
            layer.payload,
            layer.signature,
            manifest_digest=DIGEST,
            docker_reference=expected,
        )


def test_malformed_expectations_are_the_callers_error(fast_key: ec.EllipticCurvePrivateKey) -> None:
    layer = sign_image(fast_key, DIGEST, "r.io/app")
    public = fast_key.public_key()
    with pytest.raises(InvalidDigestError):
        verify_image_signature(public, layer.payload, layer.signature, manifest_digest="latest")
    with pytest.raises(ImageReferenceError):
        verify_image_signature(
            public, layer.payload, layer.signature, manifest_digest=DIGEST, docker_reference="A B"
        )


def test_decrypted_cosign_key_signs_what_its_public_key_verifies() -> None:
    vector = KEY_VECTORS[0]
    layer = sign_image(decrypted_key(vector), DIGEST, "ghcr.io/org/app", {"build": "42"})
    result = verify_image_signature(
        load_public_key(vector.public),
        layer.payload,
        layer.signature,
        manifest_digest=DIGEST,
        docker_reference="ghcr.io/org/app",
    )
    assert result and result.payload is not None
    assert result.payload.optional == {"build": "42"}
    assert layer.payload == build_payload(DIGEST, "ghcr.io/org/app", {"build": "42"})


def test_signature_is_standard_base64_of_der_ecdsa(fast_key: ec.EllipticCurvePrivateKey) -> None:
    signature = sign_payload(fast_key, b"payload")
    der = base64.b64decode(signature, validate=True)
    assert der[0] == 0x30  # ASN.1 SEQUENCE { r INTEGER, s INTEGER }
    r, s = decode_dss_signature(der)
    assert encode_dss_signature(r, s) == der  # canonical DER, as Go's ecdsa.SignASN1 writes
    assert r in range(1, P256_ORDER) and s in range(1, P256_ORDER)


@given(payload=st.binary(max_size=512), flip=st.integers(min_value=0))
def test_random_payloads_sign_and_verify(
    fast_key: ec.EllipticCurvePrivateKey, payload: bytes, flip: int
) -> None:
    signature = sign_payload(fast_key, payload)
    public = fast_key.public_key()
    assert verify_signature(public, payload, signature)
    if payload:
        tampered = bytearray(payload)
        tampered[flip % len(payload)] ^= 0x80
        assert not verify_signature(public, bytes(tampered), signature)
    assert not verify_signature(public, payload + b"\x00", signature)
