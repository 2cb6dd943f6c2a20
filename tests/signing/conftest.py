"""Fixtures for the signing tests: the committed cosign vectors and cached keys.

The vectors are the copy in tests/data/cosign/ (see SOURCE.md there), so these
tests run on a clone without ../shared. Decrypting a key costs one scrypt run
(~0.1 s), so decrypted keys are cached for the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.signing import envelope
from blueprintc.signing.keys import load_private_key
from blueprintc.signing.pem import decode_pem

DATA = Path(__file__).resolve().parent.parent / "data" / "cosign"


@dataclass(frozen=True)
class KeyVector:
    """A cosign-made encrypted key with its password and public key."""

    name: str
    key: bytes
    password: bytes
    public: bytes


@dataclass(frozen=True)
class SignatureVector:
    """A cosign-made signature with its payload and public key."""

    name: str
    payload: bytes
    signature: str
    public: bytes


def _key_vector(folder: str, key: str, public: str) -> KeyVector:
    base = DATA / folder
    return KeyVector(
        name=f"{folder}/{key}",
        key=(base / key).read_bytes(),
        password=(base / "password.txt").read_bytes(),
        public=(base / public).read_bytes(),
    )


KEY_VECTORS = [
    _key_vector("tekton-chains-key", "cosign.key", "cosign.pub"),
    _key_vector("policy-controller-empty-password", "cosign.key", "cosign.pub"),
    _key_vector("cosign-keys-test", "cosign-label.key", "cosign-label.derived.pub"),
    _key_vector("cosign-keys-test", "sigstore-label.key", "sigstore-label.derived.pub"),
]
NEGATIVE_SEC1_KEY = DATA / "cosign-keys-test" / "negative-sec1-not-pkcs8.key"

SIGNATURE_VECTORS = [
    SignatureVector(
        name=folder,
        payload=(DATA / folder / "payload.json").read_bytes(),
        signature=(DATA / folder / "signature.b64").read_text(encoding="ascii"),
        public=(DATA / folder / "cosign.pub").read_bytes(),
    )
    for folder in ("signature-containers-image", "signature-sigstore-rs")
]


@cache
def decrypted_key(vector: KeyVector) -> ec.EllipticCurvePrivateKey:
    return load_private_key(vector.key, vector.password, source=vector.name)


@cache
def decrypted_plaintext(vector: KeyVector) -> bytes:
    """The PKCS#8 DER cosign encrypted, straight out of the envelope."""
    _, body = decode_pem(vector.key, vector.name)
    parsed = envelope.parse_envelope(body, vector.name)
    return envelope.open_envelope(parsed, vector.password, vector.name)


@pytest.fixture(scope="session")
def tekton() -> KeyVector:
    return KEY_VECTORS[0]


@pytest.fixture(scope="session")
def fast_key() -> ec.EllipticCurvePrivateKey:
    """An unencrypted P-256 key for property tests (no scrypt in loops)."""
    return ec.generate_private_key(ec.SECP256R1())
