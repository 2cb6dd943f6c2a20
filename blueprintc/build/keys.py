"""Signing keys in cosign's files: ``keygen`` writes them, builds and ``verify`` read them.

The private key's password comes from ``$COSIGN_PASSWORD`` (cosign's own
convention), never from a command-line flag; it is never logged or echoed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build.errors import BuildError
from blueprintc.emit.fsutil import (
    FileTooLarge,
    LinkInPath,
    NotRegularFile,
    opened_dir,
    random_suffix,
    read_file,
    write_new,
)
from blueprintc.oserror import Left, OutputOSError
from blueprintc.signing import SigningError, generate_key_pair, load_private_key, load_public_key

PASSWORD_ENV = "COSIGN_PASSWORD"
PRIVATE_KEY_FILE = "cosign.key"
PUBLIC_KEY_FILE = "cosign.pub"
MAX_KEY_BYTES = 64 * 1024  # a cosign key is under 1 KiB


@dataclass(frozen=True, repr=False)
class Signer:
    """A decrypted cosign private key (never printed)."""

    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    def __repr__(self) -> str:
        return "Signer(<cosign private key>)"


def _write_pair(directory: Path, files: list[tuple[Path, bytes, int]], *, replace: bool) -> None:
    """Stage every file under a temp name in ``directory`` (no link followed), then
    rename them into place; an OS error before the renames leaves ``directory`` as it
    was (``OutputOSError``)."""
    staged: list[tuple[str, str]] = []
    renaming = False
    try:
        with opened_dir(directory, create=True) as fd:
            try:
                for path, data, mode in files:
                    temp = f".{path.name}.{random_suffix()}.tmp"
                    write_new(temp, data, mode=mode, fsync=True, dir_fd=fd)
                    staged.append((temp, path.name))
                renaming = True  # renames in one directory: they need no space
                _place(fd, [name for _, name in staged], [temp for temp, _ in staged], replace)
            finally:
                for temp, _ in staged:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(temp, dir_fd=fd)
    except (LinkInPath, FileExistsError):
        raise
    except OSError as exc:
        if renaming:
            raise  # between two renames: no claim about what is there
        raise OutputOSError(exc, "write", directory, Left.AS_BEFORE, directory) from None


def _place(fd: int, names: list[str], temps: list[str], replace: bool) -> None:
    """Rename ``temps`` to ``names``; without ``replace``, refuse an existing name
    (``FileExistsError``) and take back the ones already placed."""
    placed: list[str] = []
    for temp, name in zip(temps, names, strict=True):
        if replace:
            os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
            continue
        try:
            os.link(temp, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
        except FileExistsError:
            for done in placed:  # never one new key beside an old one
                os.unlink(done, dir_fd=fd)
            raise
        placed.append(name)


def load_signer(path: Path, password: str | None = None) -> Signer:
    """Read a cosign private key file; the password defaults to ``$COSIGN_PASSWORD``."""
    if password is None:
        password = password_from_env()
    data = _read_key(path, "the signing key")
    try:
        return Signer(load_private_key(data, password, source=str(path)))
    except SigningError as exc:
        raise BuildError(str(exc)) from None


def _read_key(path: Path, what: str) -> bytes:
    """A key file's bytes: a regular file (links followed: a mounted Secret is one) of at
    most ``MAX_KEY_BYTES``; a FIFO or device is refused at once, never read."""
    try:
        return read_file(path, MAX_KEY_BYTES)
    except (NotRegularFile, FileTooLarge) as exc:
        raise BuildError(f"{what} {exc}") from None
    except OSError as exc:
        raise BuildError(f"cannot read {what} {path}: {exc.strerror}") from None


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
    data = _read_key(path, "the public key")
    try:
        return load_public_key(data, source=str(path))
    except SigningError as exc:
        raise BuildError(str(exc)) from None


def write_key_pair(directory: Path, password: str, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``cosign.key`` (encrypted, cosign's format, mode 0600) and ``cosign.pub``;
    refuse to overwrite either unless ``force``.

    Both are written as new files renamed into place: a link planted at either name,
    or at a temp name, is never followed. Both are written before either is renamed,
    so a full disk or a read-only directory leaves the old pair (or none), never a
    new key beside an old one.
    """
    private, public = directory / PRIVATE_KEY_FILE, directory / PUBLIC_KEY_FILE
    check_key_files(directory, private, public, force)
    pair = generate_key_pair(password)
    write_key_files(private, pair.private_pem, public, pair.public_pem, force=force)
    return private, public


def write_key_files(
    private: Path, private_data: bytes, public: Path, public_data: bytes, *, force: bool
) -> None:
    """Write a private key (mode 0600) and its public key beside it, both or neither
    (see ``write_key_pair``); refuse to overwrite either unless ``force``."""
    directory = private.parent
    check_key_files(directory, private, public, force)
    files = [(private, private_data, 0o600), (public, public_data, 0o644)]
    try:
        _write_pair(directory, files, replace=force)
    except FileExistsError:
        raise BuildError(
            f"{private} or {public} appeared while the keys were written; nothing was "
            "overwritten (pass --force to overwrite them)"
        ) from None
    except LinkInPath as exc:
        raise BuildError(str(exc)) from None


def check_key_files(directory: Path, private: Path, public: Path, force: bool) -> None:
    """Refuse a ``directory`` that is not one, and existing key files unless ``force``."""
    if directory.exists() and not directory.is_dir():
        raise BuildError(f"{directory} is not a directory: give -d the directory for the keys")
    existing = [p for p in (private, public) if os.path.lexists(p)]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise BuildError(f"{names} already {verb}; pass --force to overwrite them")
