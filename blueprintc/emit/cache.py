"""The incremental cache: what is on disk under out/, and what we recorded about it.

``out/.blueprintc/manifest.json`` maps each emitted path to the plan's inputs
digest and the sha256 of the bytes written. A file whose inputs digest and
on-disk sha256 both match its record is fresh: it is neither serialised nor
rewritten. The disk is always hashed (never trusted by mtime), so a hand-edited
or truncated file is caught. A missing or unreadable manifest only costs speed:
every file is then serialised and compared byte for byte.

The scan never follows symlinks: a symlink anywhere under out/ is reported as
such and is never read through.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .model import STATE_DIR, EmitError

__all__ = [
    "MANIFEST",
    "DiskTree",
    "Entry",
    "Manifest",
    "read_bytes",
    "scan",
    "sha256",
]

MANIFEST = f"{STATE_DIR}/manifest.json"
_VERSION = 1
Kind = Literal["file", "dir", "link", "other"]


@dataclass(frozen=True)
class Entry:
    inputs: str
    sha256: str
    owner: str = ""


@dataclass(frozen=True)
class Manifest:
    files: dict[str, Entry]

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The recorded manifest, or an empty one if it is absent or unreadable.

        Neither out/ nor its state dir is followed if it is a symlink.
        """
        try:
            if not all(stat.S_ISDIR(os.lstat(p).st_mode) for p in (out, out / STATE_DIR)):
                return cls({})
            raw = json.loads(read_bytes(out, MANIFEST))
            files = {
                path: Entry(str(e["inputs"]), str(e["sha256"]), str(e.get("owner", "")))
                for path, e in raw["files"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls({})
        return cls(files) if raw.get("version") == _VERSION else cls({})

    def dumps(self) -> bytes:
        """Deterministic bytes: sorted paths, one file a line (diffable), sorted fields.

        Built line by line with the C JSON encoder: `indent=` would force the pure
        Python encoder, seconds for a 160,000-file tree.
        """
        rows = ",\n".join(
            f"  {json.dumps(path)}: "
            + json.dumps({"inputs": e.inputs, "owner": e.owner, "sha256": e.sha256})
            for path, e in sorted(self.files.items())
        )
        body = f"\n{rows}\n " if rows else ""
        text = f'{{\n "files": {{{body}}},\n "version": {_VERSION}\n}}\n'
        return text.encode("utf-8")


@dataclass(frozen=True)
class DiskTree:
    """Everything under out/ (minus the state dir), by posix path relative to out/."""

    root: Path
    exists: bool
    kinds: dict[str, Kind]
    state_dir_ok: bool = True  # out/.blueprintc is absent or a real directory
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
    stack = [("", os.fspath(out))]
    while stack:
        rel, full = stack.pop()
        with os.scandir(full) as it:
            for entry in it:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if path == STATE_DIR:
                    state_dir_ok = entry.is_dir(follow_symlinks=False)
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
    return DiskTree(out, True, kinds, state_dir_ok, stats)


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
