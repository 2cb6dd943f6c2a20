"""Cosign key files: every real cosign-made key reads; blueprintc writes the same format."""

from __future__ import annotations

import base64
import json
import traceback

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from blueprintc.signing import envelope
from blueprintc.signing.errors import KeyDecryptionError, KeyFormatError
from blueprintc.signing.keys import (
    COSIGN_PRIVATE_KEY_LABEL,
    SIGSTORE_PRIVATE_KEY_LABEL,
    encrypt_private_key,
    generate_key_pair,
    load_private_key,
    load_public_key,
    public_key_pem,
)
from blueprintc.signing.pem import decode_pem, encode_pem

from .conftest import KEY_VECTORS, NEGATIVE_SEC1_KEY, KeyVector, decrypted_key, decrypted_plaintext

VECTOR_IDS = [v.name for v in KEY_VECTORS]


def _envelope_json(pem: bytes) -> dict:
    return json.loads(decode_pem(pem, "test")[1])


def _shape(value: object) -> object:
    """Keys in order and value types, recursively: the envelope's structure."""
    if isinstance(value, dict):
        return [(k, _shape(v)) for k, v in value.items()]
    return type(value).__name__


@pytest.mark.parametrize("vector", KEY_VECTORS, ids=VECTOR_IDS)
def test_every_cosign_made_key_is_read_and_matches_its_public_key(vector: KeyVector) -> None:
    key = decrypted_key(vector)
    assert isinstance(key.curve, ec.SECP256R1)
    # Byte-equal to the cosign.pub beside it: same PEM framing as Go's.
    assert public_key_pem(key) == vector.public


@pytest.mark.parametrize("vector", KEY_VECTORS, ids=VECTOR_IDS)
def test_resealing_cosign_plaintext_with_its_salt_and_nonce_reproduces_the_file(
    vector: KeyVector,
) -> None:
    # The strongest format check there is: same inputs, same bytes as cosign.
    label, body = decode_pem(vector.key, vector.name)
    parsed = envelope.parse_envelope(body, vector.name)
    sealed = envelope.seal(
        decrypted_plaintext(vector),
        vector.password,
        parsed.params,
        salt=parsed.salt,
        nonce=parsed.nonce,
    )
    assert encode_pem(label, sealed) == vector.key


def test_both_private_key_labels_are_read() -> None:
    labels = {decode_pem(v.key, v.name)[0] for v in KEY_VECTORS}
    assert labels == {SIGSTORE_PRIVATE_KEY_LABEL, COSIGN_PRIVATE_KEY_LABEL}


def test_empty_password_is_a_real_password_as_str_or_bytes() -> None:
    vector = KEY_VECTORS[1]
    assert vector.password == b""
    key = load_private_key(vector.key.decode(), "", source=vector.name)
    assert public_key_pem(key) == vector.public


def test_sec1_key_inside_the_envelope_is_refused_like_cosign_does() -> None:
    with pytest.raises(KeyFormatError, match="not PKCS#8") as info:
        load_private_key(NEGATIVE_SEC1_KEY.read_bytes(), b"hello", source="neg.key")
    assert str(info.value).startswith("neg.key: ")
    assert "cosign import-key-pair" in str(info.value)


def test_wrong_password_is_a_clear_error_that_never_echoes_the_password(
    tekton: KeyVector,
) -> None:
    secret = "correct-horse-battery-staple"
    with pytest.raises(KeyDecryptionError) as info:
        load_private_key(tekton.key, secret, source="cosign.key")
    message = str(info.value)
    assert "password is wrong" in message and message.startswith("cosign.key: ")
    rendered = "".join(traceback.format_exception(info.value))
    assert secret not in rendered and secret not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_generated_key_pair_round_trips(tekton: KeyVector) -> None:
    pair = generate_key_pair("s3cret")
    key = load_private_key(pair.private_pem, b"s3cret")
    assert public_key_pem(key) == pair.public_pem
    assert load_public_key(pair.public_pem).public_numbers() == key.public_key().public_numbers()
    assert "BEGIN" not in repr(pair)
    with pytest.raises(KeyDecryptionError):
        load_private_key(pair.private_pem, b"s3creT")


def test_generated_key_has_cosigns_envelope_and_pkcs8_layout(tekton: KeyVector) -> None:
    pair = generate_key_pair(b"pw")
    assert pair.private_pem.startswith(b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
    assert pair.private_pem.endswith(b"-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
    assert all(len(line) <= 64 for line in pair.private_pem.splitlines())

    ours, theirs = _envelope_json(pair.private_pem), _envelope_json(tekton.key)
    assert _shape(ours) == _shape(theirs)  # same fields, same order, same types
    # Current cosign writes go-securesystemslib's "standard" parameters.
    assert ours["kdf"]["params"] == {"N": 65536, "r": 8, "p": 1}
    assert theirs["kdf"]["params"] == {"N": 32768, "r": 8, "p": 1}
    assert ours["kdf"]["name"] == theirs["kdf"]["name"] == "scrypt"
    assert ours["cipher"]["name"] == theirs["cipher"]["name"] == "nacl/secretbox"
    for field, path in (("salt", "kdf"), ("nonce", "cipher")):
        assert len(base64.b64decode(ours[path][field])) == len(
            base64.b64decode(theirs[path][field])
        )
    assert len(base64.b64decode(ours["ciphertext"])) == len(base64.b64decode(theirs["ciphertext"]))

    # The PKCS#8 inside has the same DER layout as cosign's (Go's MarshalPKCS8PrivateKey):
    # identical header up to the private scalar, identical framing of the public key.
    _, body = decode_pem(pair.private_pem, "ours")
    plaintext = envelope.open_envelope(envelope.parse_envelope(body, "ours"), b"pw", "ours")
    reference = decrypted_plaintext(tekton)
    assert len(plaintext) == len(reference) == 138
    assert plaintext[:36] == reference[:36]
    assert plaintext[68:74] == reference[68:74] == bytes.fromhex("a14403420004")


def test_legacy_parameters_reproduce_the_published_vectors_exact_envelope(
    tekton: KeyVector,
) -> None:
    key = decrypted_key(tekton)
    pem = encrypt_private_key(key, "p", params=envelope.LEGACY, label=COSIGN_PRIVATE_KEY_LABEL)
    assert _shape(_envelope_json(pem)) == _shape(_envelope_json(tekton.key))
    assert _envelope_json(pem)["kdf"]["params"] == _envelope_json(tekton.key)["kdf"]["params"]
    assert public_key_pem(load_private_key(pem, "p")) == tekton.public


def _tampered(vector: KeyVector, change) -> bytes:
    label, body = decode_pem(vector.key, vector.name)
    document = json.loads(body)
    change(document)
    return encode_pem(label, json.dumps(document).encode())


def _set(path: tuple[str, ...], value: object):
    def change(document: dict) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(("kdf", "params", "N"), 1024), "not one of the sets cosign accepts"),
        (_set(("kdf", "params", "r"), "8"), "must hold integers"),
        (_set(("kdf", "name"), "pbkdf2"), "unsupported key derivation"),
        (_set(("cipher", "name"), "aes-gcm"), "unsupported cipher"),
        (_set(("cipher", "nonce"), base64.b64encode(b"short").decode()), "nonce is 5 bytes"),
        (_set(("ciphertext",), "%%%"), "'ciphertext' is not valid base64"),
        (_set(("cipher",), None), "no valid 'cipher' field"),
    ],
    ids=["scrypt-N", "params-type", "kdf", "cipher", "nonce", "ciphertext", "missing"],
)
def test_malformed_envelopes_are_refused_before_any_decryption(
    tekton: KeyVector, change, message: str
) -> None:
    with pytest.raises(KeyFormatError, match=message):
        load_private_key(_tampered(tekton, change), tekton.password)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a key at all", "no PEM block found"),
        (KEY_VECTORS[0].key[:200], "no matching END line"),
        (KEY_VECTORS[0].public, "PEM block is 'PUBLIC KEY', not a cosign private key"),
        (encode_pem(COSIGN_PRIVATE_KEY_LABEL, b"{not json"), "not the JSON envelope"),
        (
            KEY_VECTORS[0].key.replace(b"\neyJ", b"\nProc-Type: 4,ENCRYPTED\n\neyJ"),
            "has headers",
        ),
        (KEY_VECTORS[0].key.replace(b"eyJ", b"e!J"), "not valid base64"),
    ],
    ids=["garbage", "truncated", "public-key", "not-json", "headers", "bad-base64"],
)
def test_malformed_key_files_are_refused_with_key_format_error(data: bytes, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        load_private_key(data, b"p")


@pytest.mark.parametrize("vector", KEY_VECTORS, ids=VECTOR_IDS)
def test_cosign_public_keys_load(vector: KeyVector) -> None:
    key = load_public_key(vector.public)
    assert key.public_numbers() == decrypted_key(vector).public_key().public_numbers()


def test_public_key_loader_refuses_other_key_types_and_labels(tekton: KeyVector) -> None:
    rsa_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(KeyFormatError, match=r"this is an RSA-2048 key; .* ECDSA P-256 keys only"):
        load_public_key(rsa_pem)
    p384_pem = public_key_pem(ec.generate_private_key(ec.SECP384R1()).public_key())
    with pytest.raises(KeyFormatError, match="this is an EC secp384r1 key"):
        load_public_key(p384_pem)
    with pytest.raises(KeyFormatError, match="expected 'PUBLIC KEY'"):
        load_public_key(tekton.key, source="cosign.pub")
    with pytest.raises(KeyFormatError, match="not a valid SubjectPublicKeyInfo"):
        load_public_key(encode_pem("PUBLIC KEY", b"\x30\x03\x02\x01\x00"))


def test_private_key_of_another_curve_is_refused() -> None:
    pem = encrypt_private_key(ec.generate_private_key(ec.SECP384R1()), "pw", params=envelope.LEGACY)
    with pytest.raises(KeyFormatError, match="this is an EC secp384r1 key; blueprintc signs"):
        load_private_key(pem, "pw")
