"""Signing keys in cosign's files: ``keygen`` writes them, builds and ``verify`` read them.

The private key's password comes from ``$COSIGN_PASSWORD`` (cosign's own
convention), never from a command-line flag; it is never logged or echoed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build.errors import BuildError
from blueprintc.signing import SigningError, generate_key_pair, load_private_key, load_public_key

PASSWORD_ENV = "COSIGN_PASSWORD"
PRIVATE_KEY_FILE = "cosign.key"
PUBLIC_KEY_FILE = "cosign.pub"


@dataclass(frozen=True, repr=False)
class Signer:
    """A decrypted cosign private key (never printed)."""

    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    def __repr__(self) -> str:
        return "Signer(<cosign private key>)"


def load_signer(path: Path, password: str | None = None) -> Signer:
    """Read a cosign private key file; the password defaults to ``$COSIGN_PASSWORD``."""
    if password is None:
        password = password_from_env()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BuildError(f"cannot read the signing key {path}: {exc.strerror}") from None
    try:
        return Signer(load_private_key(data, password, source=str(path)))
    except SigningError as exc:
        raise BuildError(str(exc)) from None


def password_from_env() -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        raise BuildError(
            f"{PASSWORD_ENV} is not set: it holds the password of the cosign key "
            "(set it to an empty string for a key without a password)"
        )
    return password


def load_verifier(path: Path) -> ec.EllipticCurvePublicKey:
    """Read a ``cosign.pub`` file."""
    try:
        return load_public_key(path.read_bytes(), source=str(path))
    except OSError as exc:
        raise BuildError(f"cannot read the public key {path}: {exc.strerror}") from None
    except SigningError as exc:
        raise BuildError(str(exc)) from None


def write_key_pair(directory: Path, password: str, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``cosign.key`` (encrypted, cosign's format) and ``cosign.pub``; refuse to
    overwrite either unless ``force``."""
    private, public = directory / PRIVATE_KEY_FILE, directory / PUBLIC_KEY_FILE
    existing = [p for p in (private, public) if p.exists()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise BuildError(f"{names} already {verb}; pass --force to overwrite them")
    pair = generate_key_pair(password)
    directory.mkdir(parents=True, exist_ok=True)
    _write(private, pair.private_pem, 0o600)
    _write(public, pair.public_pem, 0o644)
    return private, public


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), mode)
        handle.write(data)
    os.replace(tmp, path)
