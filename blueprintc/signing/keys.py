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
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

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
            f"{source}: this is {_describe(key)}; blueprintc verifies ECDSA P-256 "
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
            f"{source}: this is {_describe(key)}; blueprintc signs with ECDSA P-256 "
            "keys only (cosign's default, made by `cosign generate-key-pair`)"
        )
    return key


def _looks_like_pkcs8(der: bytes) -> bool:
    """True if `der` opens like PrivateKeyInfo: SEQUENCE { INTEGER 0|1, SEQUENCE ...

    SEC1's ECPrivateKey opens SEQUENCE { INTEGER 1, OCTET STRING ... } instead:
    the tag after the one-byte version tells the two apart. OpenSSL would
    happily load either, so this check is what makes blueprintc as strict as
    cosign's `x509.ParsePKCS8PrivateKey`.
    """
    if len(der) < 2 or der[0] != 0x30:
        return False
    length_bytes = der[1] & 0x7F if der[1] & 0x80 else 0
    body = 2 + length_bytes
    return der[body : body + 2] == b"\x02\x01" and der[body + 2 : body + 4] in (
        b"\x00\x30",
        b"\x01\x30",
    )


def _describe(key: object) -> str:
    """Name a key's type the way a user knows it: 'an EC secp384r1 key', 'an RSA-2048 key'."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return f"an EC {key.curve.name} key"
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return f"an RSA-{key.key_size} key"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "an Ed25519 key"
    return f"a {type(key).__name__} key"


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _password_bytes(password: Password) -> bytes:
    if isinstance(password, str):
        return password.encode("utf-8")
    if isinstance(password, bytes | bytearray | memoryview):
        return bytes(password)
    raise TypeError("password must be bytes or str")
