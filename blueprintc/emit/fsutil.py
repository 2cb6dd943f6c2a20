"""Small POSIX file-system primitives for durable, atomic writes (Linux first).

* ``write_new`` creates a file exclusively (never through an existing symlink).
* ``write_file`` is how every command writes a file outside emit's tree (keys,
  build records, packages, OCI layouts, reports): a new temp file
  (``O_EXCL|O_NOFOLLOW``) in a directory opened without following links
  (``opened_dir``), renamed into place, so a link planted at the path or at a
  directory on the way is refused or replaced, and its target never written.
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
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from blueprintc.source import kind_of

__all__ = [
    "AnchoredReader",
    "FileTooLarge",
    "LinkInPath",
    "NotRegularFile",
    "exchange",
    "fsync_dir",
    "locked",
    "opened_dir",
    "random_suffix",
    "read_file",
    "read_file_at",
    "remove_tree",
    "sync_tree",
    "write_file",
    "write_new",
]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to ask
    _LIBC = None


class LinkInPath(OSError):
    """A symbolic link (or a non-directory) where blueprintc needs a real directory or
    file: following it could read or write outside the tree."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.ELOOP, what, str(path))
        self.path = path
        self.what = what

    def __str__(self) -> str:
        return (
            f"{self.path} is {self.what}: blueprintc never reads or writes through a link "
            "here; remove it (or choose another directory) and run again"
        )


class NotRegularFile(OSError):
    """A FIFO, device, socket or directory where a file is read."""

    def __init__(self, path: Path, mode: int) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))
        self.path = path
        self.kind = kind_of(mode)

    def __str__(self) -> str:
        return f"{self.path} is {self.kind}, not a regular file: give a regular file"


class FileTooLarge(OSError):
    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, "file too large", str(path))
        self.path, self.size, self.limit = path, size, limit

    def __str__(self) -> str:
        return (
            f"{self.path} is over the {self.limit:,}-byte limit for this file"
            f"{f' ({self.size:,} bytes)' if self.size > self.limit else ''}: is it the right file?"
        )


def write_new(
    path: Path | str,
    data: bytes,
    *,
    fsync: bool = False,
    mode: int | None = None,
    dir_fd: int | None = None,
) -> None:
    """Create ``path`` (it must not exist, not even as a link) holding ``data``; mode
    exactly ``mode`` if given, else 0666 minus the umask. ``dir_fd``: ``path`` is
    relative to that directory."""
    fd = os.open(path, _NEW_FILE, 0o666 if mode is None else mode, dir_fd=dir_fd)
    try:
        if mode is not None:
            os.fchmod(fd, mode)  # the umask only ever removed bits
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path, max_bytes: int, *, anchor: Path | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``: a FIFO, device,
    socket or directory is refused without blocking on it (``NotRegularFile``), a
    bigger file without reading it all (``FileTooLarge``).

    With ``anchor``, no link is followed at ``path`` or from ``anchor`` down
    (``opened_dir``; ``LinkInPath``); without, links are followed (a file the user
    named, e.g. a key in a mounted Secret).
    """
    if anchor is None:
        return _read_open(os.open(path, _READ_FLAGS), path, max_bytes)
    with opened_dir(path.parent, anchor=anchor) as dir_fd:
        return read_file_at(dir_fd, path.name, path, max_bytes)


def read_file_at(dir_fd: int, name: str, shown: Path, max_bytes: int) -> bytes:
    """``read_file`` of ``name`` in the open directory ``dir_fd``, not following a link
    there (``shown`` names the file in errors)."""
    return _read_open(_open_no_link(dir_fd, name, shown, _READ_FLAGS), shown, max_bytes)


class AnchoredReader:
    """Reads many files below ``anchor`` as ``read_file(..., anchor=anchor)`` does,
    keeping the directory of the last read open: files read directory by directory
    cost one open each, not one per part of their path (a first delivery at N = 100
    reads 19,093 files in 1,501 directories). Close it, or use it as a context."""

    def __init__(self, anchor: Path, max_bytes: int) -> None:
        self.anchor, self.max_bytes = anchor, max_bytes
        self._folder: str | None = None
        self._fd = -1

    def read(self, path: str) -> bytes:
        """The file at ``path`` (posix, relative to the anchor)."""
        folder, _, name = path.rpartition("/")
        if folder != self._folder:
            self.close()
            with opened_dir(self.anchor / folder, anchor=self.anchor) as fd:
                self._fd = os.dup(fd)
            self._folder = folder
        return read_file_at(self._fd, name, self.anchor / path, self.max_bytes)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._folder = -1, None

    def __enter__(self) -> AnchoredReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _read_open(fd: int, path: Path, max_bytes: int) -> bytes:
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, info.st_mode)
        if info.st_size > max_bytes:
            raise FileTooLarge(path, info.st_size, max_bytes)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read
        raise FileTooLarge(path, len(data), max_bytes)
    return data


def _open_no_link(dir_fd: int, name: str, shown: Path, flags: int) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        mode = os.lstat(name, dir_fd=dir_fd).st_mode
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a directory"
        raise LinkInPath(shown, what) from None


@contextlib.contextmanager
def opened_dir(path: Path, *, anchor: Path | None = None, create: bool = False) -> Iterator[int]:
    """A file descriptor of the directory ``path``, opened without following a link at
    ``anchor`` (default: ``path`` itself) or at any directory between it and ``path``
    (``anchor`` is ``path`` or one of its ancestors; above it the path resolves as
    usual). With ``create``, missing directories are made. Raises ``LinkInPath``."""
    anchor = path if anchor is None else anchor
    below = path.relative_to(anchor).parts
    if create:
        os.makedirs(anchor.parent, exist_ok=True)
    fd = os.open(anchor.parent, _DIR_FLAGS)
    try:
        current = anchor.parent
        for name in (anchor.name, *below) if anchor.name else below:
            current = current / name
            parent, fd = fd, -1
            fd = _open_child(parent, name, current, create)
        yield fd
    finally:
        if fd >= 0:
            os.close(fd)


def _open_child(parent_fd: int, name: str, shown: Path, create: bool) -> int:
    """Open directory ``name`` under ``parent_fd`` (never through a link) and close
    ``parent_fd``; its fd is returned."""
    try:
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, dir_fd=parent_fd)
        return _open_no_link(parent_fd, name, shown, _DIR_FLAGS)
    finally:
        os.close(parent_fd)


def write_file(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o644,
    anchor: Path | None = None,
    replace: bool = True,
    fsync: bool = False,
    parents: bool = True,
) -> bool:
    """Write ``data`` to ``path`` as a new file renamed into place, never through a link.

    The file is created under a random temp name with ``O_EXCL|O_NOFOLLOW`` and
    exactly ``mode``, in the directory ``opened_dir(path.parent, anchor=...)`` gives
    (created if missing, unless not ``parents``; ``anchor`` defaults to
    ``path.parent``), then renamed over
    ``path``: a link planted at ``path`` is replaced, its target never touched.
    ``replace=False`` refuses an existing ``path`` (``FileExistsError``) atomically.
    Returns False, writing nothing, when ``path`` already holds exactly ``data``.
    """
    with opened_dir(path.parent, anchor=anchor or path.parent, create=parents) as fd:
        if replace and _holds(fd, path.name, data):
            return False
        tmp = f".{path.name}.{random_suffix()}.tmp"
        try:
            write_new(tmp, data, fsync=fsync, mode=mode, dir_fd=fd)
            if replace:
                os.replace(tmp, path.name, src_dir_fd=fd, dst_dir_fd=fd)
            else:
                os.link(tmp, path.name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
                os.unlink(tmp, dir_fd=fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=fd)
            raise
        if fsync:
            os.fsync(fd)
    return True


def _holds(dir_fd: int, name: str, data: bytes) -> bool:
    """Whether ``name`` is a regular file (not a link) holding exactly ``data``."""
    try:
        fd = os.open(
            name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd
        )
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(len(data) + 1) == data
    finally:
        os.close(fd)


def fsync_dir(path: Path | str) -> None:
    """Make renames and unlinks inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_tree(path: Path | str) -> None:
    """Delete the directory tree `path` (no link in it is followed). `shutil.rmtree`
    holds two descriptors per level of the tree; where it fails (out of descriptors,
    say, after a write failed for that very reason), the rest is removed by a walk that
    holds at most one at a time."""
    try:
        shutil.rmtree(path)
    except OSError:
        _remove_by_path(os.fspath(path))


def _remove_by_path(path: str) -> None:
    for name in os.listdir(path):  # opened, read whole and closed before going down
        child = f"{path}/{name}"
        if stat.S_ISDIR(os.lstat(child).st_mode):
            _remove_by_path(child)
        else:
            os.unlink(child)
    os.rmdir(path)


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
