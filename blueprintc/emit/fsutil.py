"""Small POSIX file-system primitives for durable, atomic writes (Linux first).

* ``write_new`` creates a file exclusively (never through an existing symlink).
* ``sync_tree`` flushes one file system with ``syncfs(2)`` (one call instead of
  an ``fsync`` per file: 33,000 fsyncs cost seconds; falls back to ``sync``).
* ``exchange`` swaps two paths atomically with ``renameat2(RENAME_EXCHANGE)``
  (Linux 3.15+), so out/ never goes missing; returns False where unsupported.
* ``locked`` takes an advisory ``flock`` on out/'s parent directory, so two
  blueprintc processes never write the same tree at once (no lock file left behind).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["exchange", "fsync_dir", "locked", "random_suffix", "sync_tree", "write_new"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}

try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to ask
    _LIBC = None


def write_new(path: Path | str, data: bytes, *, fsync: bool = False) -> None:
    """Create ``path`` (it must not exist) holding ``data``; mode 0666 minus umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path | str) -> None:
    """Make renames and unlinks inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_tree(path: Path | str) -> None:
    """Flush everything written to the file system holding ``path``."""
    syncfs = getattr(_LIBC, "syncfs", None)
    if syncfs is not None:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    os.sync()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap ``a`` and ``b`` (both must exist); False if the OS cannot."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def random_suffix() -> str:
    return secrets.token_hex(4)


@contextlib.contextmanager
def locked(directory: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold an advisory lock on ``directory`` (shared for readers, exclusive for writers)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock
