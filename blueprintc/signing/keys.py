"""Cosign key files: read and write them exactly as `cosign` does.

A cosign private key file is a PEM block labelled `ENCRYPTED SIGSTORE PRIVATE
KEY` (older cosign: `ENCRYPTED COSIGN PRIVATE KEY`) whose body is a password
envelope (see `envelope.py`) around a PKCS#8 DER private key. Cosign parses the
plaintext strictly as PKCS#8, so a SEC1 `ECPrivateKey` inside is refused here
too: a key blueprintc accepts is a key cosign accepts. The public key file is a
plain PEM `PUBLIC KEY` (SubjectPublicKeyInfo).

blueprintc signs with ECDSA P-256 only (cosign's default and the scheme Flux
verifies), so other key types are refused with a message saying so.

Passwords are taken from the caller (the CLI reads COSIGN_PASSWORD); they are
never logged and never appear in an exception message.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.signing.envelope import STANDARD, ScryptParams, open_envelope, parse_envelope, seal
from blueprintc.signing.errors import KeyFormatError
from blueprintc.signing.pem import decode_pem, encode_pem

SIGSTORE_PRIVATE_KEY_LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY"
"""The label current cosign writes."""
COSIGN_PRIVATE_KEY_LABEL = "ENCRYPTED COSIGN PRIVATE KEY"
"""The label older cosign wrote; still read."""
PRIVATE_KEY_LABELS = (SIGSTORE_PRIVATE_KEY_LABEL, COSIGN_PRIVATE_KEY_LABEL)
PUBLIC_KEY_LABEL = "PUBLIC KEY"

Password = bytes | str


@dataclass(frozen=True, repr=False)
class KeyPair:
    """A freshly generated key pair, as the bytes of `cosign.key` and `cosign.pub`."""

    private_pem: bytes
    public_pem: bytes

    def __repr__(self) -> str:
        # Keep the (encrypted) private key out of logs and test output anyway.
        return "KeyPair(private_pem=<encrypted>, public_pem=<PUBLIC KEY>)"


def load_private_key(
    data: bytes | str, password: Password, *, source: str = "private key"
) -> ec.EllipticCurvePrivateKey:
    """Decrypt a cosign private key file and return the ECDSA P-256 key.

    Raises KeyFormatError for anything cosign would not read (wrong PEM label,
    bad envelope, SEC1 instead of PKCS#8, a non-P-256 key) and
    KeyDecryptionError for a wrong password. `source` names the file in messages.
    """
    label, body = decode_pem(_as_bytes(data), source)
    if label not in PRIVATE_KEY_LABELS:
        raise KeyFormatError(
            f"{source}: PEM block is {label!r}, not a cosign private key "
            f"({SIGSTORE_PRIVATE_KEY_LABEL!r}); create one with `cosign generate-key-pair` "
            "or wrap an existing key with `cosign import-key-pair`"
        )
    envelope = parse_envelope(body, source)
    plaintext = open_envelope(envelope, _password_bytes(password), source)
    return _parse_pkcs8_p256(plaintext, source)


def load_public_key(data: bytes | str, *, source: str = "public key") -> ec.EllipticCurvePublicKey:
    """Load a PEM `PUBLIC KEY` (as in `cosign.pub`) holding an ECDSA P-256 key."""
    label, der = decode_pem(_as_bytes(data), source)
    if label != PUBLIC_KEY_LABEL:
        raise KeyFormatError(
            f"{source}: PEM block is {label!r}, expected {PUBLIC_KEY_LABEL!r} "
            "(the contents of a cosign.pub file)"
        )
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFormatError(
            f"{source}: the PUBLIC KEY block is not a valid SubjectPublicKeyInfo"
        ) from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError(
            f"{source}: {_describe(key)} public key; blueprintc verifies ECDSA P-256 "
            "keys only (cosign's default, made by `cosign generate-key-pair`)"
        )
    return key


def encrypt_private_key(
    key: ec.EllipticCurvePrivateKey,
    password: Password,
    *,
    params: ScryptParams = STANDARD,
    label: str = SIGSTORE_PRIVATE_KEY_LABEL,
) -> bytes:
    """Return the bytes of a cosign private key file holding `key`."""
    if label not in PRIVATE_KEY_LABELS:
        raise ValueError(f"label must be one of {PRIVATE_KEY_LABELS}")
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return encode_pem(label, seal(pkcs8, _password_bytes(password), params))


def public_key_pem(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> bytes:
    """Return the `cosign.pub` bytes (PEM SubjectPublicKeyInfo) for a key."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return encode_pem(PUBLIC_KEY_LABEL, der)


def generate_key_pair(password: Password, *, params: ScryptParams = STANDARD) -> KeyPair:
    """Generate an ECDSA P-256 key pair in `cosign generate-key-pair`'s format."""
    key = ec.generate_private_key(ec.SECP256R1())
    return KeyPair(
        private_pem=encrypt_private_key(key, password, params=params),
        public_pem=public_key_pem(key),
    )


def _parse_pkcs8_p256(der: bytes, source: str) -> ec.EllipticCurvePrivateKey:
    if not _looks_like_pkcs8(der):
        raise KeyFormatError(
            f"{source}: the decrypted key is not PKCS#8 (it looks like a SEC1 'EC PRIVATE "
            "KEY'); cosign refuses such files too. Re-wrap the key with "
            "`cosign import-key-pair` or create a new one with `cosign generate-key-pair`"
        )
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFormatError(
            f"{source}: the decrypted PKCS#8 private key cannot be parsed; the file is damaged"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError(
            f"{source}: {_describe(key)} private key; blueprintc signs with ECDSA P-256 "
            "keys only (cosign's default, made by `cosign generate-key-pair`)"
        )
    return key


def _looks_like_pkcs8(der: bytes) -> bool:
    """True if `der` opens like PrivateKeyInfo: SEQUENCE { INTEGER, SEQUENCE, ... }.

    SEC1's ECPrivateKey opens SEQUENCE { INTEGER 1, OCTET STRING, ... } instead,
    and the tag after the version is what tells the two apart. OpenSSL would
    happily load either, so this check is what makes blueprintc as strict as
    cosign's `x509.ParsePKCS8PrivateKey`.
    """
    outer = _tlv_body_start(der, 0, 0x30)
    if outer is None:
        return False
    version_end = _tlv_end(der, outer, 0x02)
    return version_end is not None and version_end < len(der) and der[version_end] == 0x30


def _tlv_body_start(der: bytes, offset: int, tag: int) -> int | None:
    """Offset of the body of the DER element at `offset`, if it has tag `tag`."""
    if offset + 2 > len(der) or der[offset] != tag:
        return None
    first = der[offset + 1]
    if first < 0x80:
        return offset + 2
    count = first & 0x7F
    return offset + 2 + count if 0 < count <= 4 and offset + 2 + count <= len(der) else None


def _tlv_end(der: bytes, offset: int, tag: int) -> int | None:
    """Offset just past the DER element at `offset`, if it has tag `tag`."""
    start = _tlv_body_start(der, offset, tag)
    if start is None:
        return None
    first = der[offset + 1]
    length = first if first < 0x80 else int.from_bytes(der[offset + 2 : start], "big")
    return start + length


def _describe(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return f"this is an EC {key.curve.name}"
    return f"this is a {type(key).__name__.lstrip('_')}"


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _password_bytes(password: Password) -> bytes:
    if isinstance(password, str):
        return password.encode("utf-8")
    if isinstance(password, bytes | bytearray | memoryview):
        return bytes(password)
    raise TypeError("password must be bytes or str")
