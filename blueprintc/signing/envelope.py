"""Cosign's password envelope: scrypt key derivation + NaCl secretbox, in JSON.

This is the body of `cosign.key` (go-securesystemslib's `encrypted` package):

    {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<b64>"},
     "cipher":{"name":"nacl/secretbox","nonce":"<b64>"},"ciphertext":"<b64>"}

Opening it derives a 32-byte key with scrypt(password, salt, N, r, p) and opens
the secretbox (XSalsa20-Poly1305). Only the three scrypt parameter sets cosign
accepts are honoured, because the parameters are attacker-controlled input and
an arbitrary N would let a crafted file exhaust memory and CPU.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any, NamedTuple

import nacl.exceptions
import nacl.secret
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from blueprintc.oci.content import go_json
from blueprintc.signing.errors import KeyDecryptionError, KeyFormatError

KDF_NAME = "scrypt"
CIPHER_NAME = "nacl/secretbox"
SALT_SIZE = 32
NONCE_SIZE = nacl.secret.SecretBox.NONCE_SIZE  # 24
KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE  # 32


class ScryptParams(NamedTuple):
    """scrypt cost parameters, as stored in the envelope's `kdf.params`."""

    n: int
    r: int
    p: int


LEGACY = ScryptParams(32768, 8, 1)
"""N=2^15: what older cosign wrote (all published test vectors use it)."""
STANDARD = ScryptParams(65536, 8, 1)
"""N=2^16: what current cosign writes for new keys."""
OWASP = ScryptParams(131072, 8, 1)
"""N=2^17: the strongest set cosign reads."""
ACCEPTED_PARAMS = (LEGACY, STANDARD, OWASP)


@dataclass(frozen=True)
class Envelope:
    """A parsed (still encrypted) envelope."""

    params: ScryptParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes


def seal(
    plaintext: bytes,
    password: bytes,
    params: ScryptParams = STANDARD,
    *,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """Encrypt `plaintext` under `password` and return the envelope JSON bytes.

    Salt and nonce are fresh random bytes unless given; giving them exists only
    so tests can reproduce a cosign-made file byte for byte.
    """
    if params not in ACCEPTED_PARAMS:
        raise ValueError(f"scrypt parameters {tuple(params)} are not ones cosign can read")
    salt = os.urandom(SALT_SIZE) if salt is None else salt
    nonce = os.urandom(NONCE_SIZE) if nonce is None else nonce
    box = nacl.secret.SecretBox(_derive_key(password, salt, params))
    ciphertext = box.encrypt(plaintext, nonce).ciphertext
    document = {
        "kdf": {
            "name": KDF_NAME,
            "params": {"N": params.n, "r": params.r, "p": params.p},
            "salt": _b64(salt),
        },
        "cipher": {"name": CIPHER_NAME, "nonce": _b64(nonce)},
        "ciphertext": _b64(ciphertext),
    }
    return go_json(document)


def parse_envelope(data: bytes, source: str) -> Envelope:
    """Parse and check an envelope without decrypting it (no password needed)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise KeyFormatError(
            f"{source}: the key body is not the JSON envelope cosign writes; "
            "is this really a cosign private key?"
        ) from None
    kdf = _field(document, "kdf", dict, source)
    cipher = _field(document, "cipher", dict, source)
    if kdf.get("name") != KDF_NAME:
        raise KeyFormatError(
            f"{source}: unsupported key derivation {kdf.get('name')!r}; "
            f"cosign keys use {KDF_NAME!r}"
        )
    if cipher.get("name") != CIPHER_NAME:
        raise KeyFormatError(
            f"{source}: unsupported cipher {cipher.get('name')!r}; cosign keys use {CIPHER_NAME!r}"
        )
    raw = _field(kdf, "params", dict, source)
    values = [raw.get(k) for k in ("N", "r", "p")]
    if not all(type(v) is int for v in values):
        raise KeyFormatError(f"{source}: kdf.params must hold integers N, r and p")
    params = ScryptParams(*values)
    if params not in ACCEPTED_PARAMS:
        raise KeyFormatError(
            f"{source}: scrypt parameters N={params.n} r={params.r} p={params.p} are not "
            "one of the sets cosign accepts (N=32768, 65536 or 131072 with r=8, p=1); "
            "re-create the key with `cosign generate-key-pair`"
        )
    nonce = _b64_field(cipher, "nonce", source)
    if len(nonce) != NONCE_SIZE:
        raise KeyFormatError(f"{source}: the secretbox nonce is {len(nonce)} bytes, not 24")
    return Envelope(
        params=params,
        salt=_b64_field(kdf, "salt", source),
        nonce=nonce,
        ciphertext=_b64_field(document, "ciphertext", source),
    )


def open_envelope(envelope: Envelope, password: bytes, source: str) -> bytes:
    """Decrypt an envelope; a wrong password raises KeyDecryptionError."""
    box = nacl.secret.SecretBox(_derive_key(password, envelope.salt, envelope.params))
    try:
        return box.decrypt(envelope.ciphertext, envelope.nonce)
    except nacl.exceptions.CryptoError:
        raise KeyDecryptionError(
            f"{source}: cannot decrypt the private key: the password is wrong, or the "
            "key file is damaged. Check the password you supplied (for cosign keys "
            "usually COSIGN_PASSWORD; an empty password is a valid password)"
        ) from None


def _derive_key(password: bytes, salt: bytes, params: ScryptParams) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_SIZE, n=params.n, r=params.r, p=params.p)
    return kdf.derive(password)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _field(obj: Any, name: str, kind: type, source: str) -> Any:
    value = obj.get(name) if isinstance(obj, dict) else None
    if not isinstance(value, kind):
        raise KeyFormatError(
            f"{source}: the key envelope has no valid {name!r} field; the file is damaged "
            "or not a cosign private key"
        )
    return value


def _b64_field(obj: dict[str, Any], name: str, source: str) -> bytes:
    text = _field(obj, name, str, source)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError(
            f"{source}: the key envelope field {name!r} is not valid base64"
        ) from None
