"""What is on disk under out/: a scan of the tree, and safe reads of its files.

The scan never follows symlinks: a symlink anywhere under out/ is reported as
such and is never read through. Entries whose name starts with a dot (``.git``,
``.gitignore``) are never entered or touched: they are only counted, so that emit
knows a whole-tree swap would lose them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .model import STATE_DIR, EmitError

__all__ = [
    "DiskTree",
    "read_bytes",
    "scan",
    "sha256",
]

Kind = Literal["file", "dir", "link", "other"]


@dataclass(frozen=True)
class DiskTree:
    """Everything under out/ (minus the state dir), by posix path relative to out/."""

    root: Path
    exists: bool
    kinds: dict[str, Kind]
    state_dir_ok: bool = True  # out/.blueprintc is absent or a real directory
    has_state_dir: bool = False  # out/.blueprintc is a real directory
    hidden: tuple[str, ...] = ()  # dot-entries (never entered, never touched)
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # size, mtime, inode

    def blocked(self, dirs: Iterable[str]) -> bool:
        """True if any of ``dirs`` exists as something other than a real directory."""
        kinds = self.kinds
        return any(kinds.get(d, "dir") != "dir" for d in dirs)


def scan(out: Path) -> DiskTree:
    """Walk ``out`` without following symlinks."""
    try:
        top = os.lstat(out)
    except FileNotFoundError:
        return DiskTree(out, False, {})
    if not stat.S_ISDIR(top.st_mode):
        raise EmitError(f"{out} exists and is not a directory (symlinks are refused too)")
    kinds: dict[str, Kind] = {}
    stats: dict[str, tuple[int, int, int]] = {}
    state_dir_ok = True
    has_state_dir = False
    hidden: list[str] = []
    stack = [("", os.fspath(out))]
    while stack:
        rel, full = stack.pop()
        with os.scandir(full) as it:
            for entry in it:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if path == STATE_DIR:
                    state_dir_ok = has_state_dir = entry.is_dir(follow_symlinks=False)
                elif entry.name.startswith("."):
                    hidden.append(path)
                elif entry.is_symlink():
                    kinds[path] = "link"
                elif entry.is_dir(follow_symlinks=False):
                    kinds[path] = "dir"
                    stack.append((path, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    kinds[path] = "file"
                    info = entry.stat(follow_symlinks=False)
                    stats[path] = (info.st_size, info.st_mtime_ns, info.st_ino)
                else:
                    kinds[path] = "other"
    return DiskTree(out, True, kinds, state_dir_ok, has_state_dir, tuple(sorted(hidden)), stats)


def read_bytes(out: Path, path: str) -> bytes:
    """Content of a regular file under ``out``; the last component is never followed."""
    fd = os.open(f"{os.fspath(out)}/{path}", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        chunks = [os.read(fd, size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
