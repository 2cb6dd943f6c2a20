"""Every file a compile reads, read once through the safe source layer.

The inputs fingerprint (kept in out/'s seal) is the digest of exactly the bytes
that were read here, and the planner parses those same bytes (the text of every
YAML file is kept from the one read), so an input edited while a compile runs
can never be planned from one version and sealed with the digest of another.
Before a seal is written, `unchanged()` asks the file system whether every file
read still is the file that was read (same inode, size, mtime and ctime; a
write, even one reverted since, changes the ctime): if not, the tree is left
unsealed and the next compile reconciles it in full.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from blueprintc.source import (
    InputError,
    SourceFile,
    check_size,
    decode_text,
    read_regular,
    relative_name,
)

if TYPE_CHECKING:
    from blueprintc.workspace import Workspace

# Kept as bytes after hashing, to be parsed later without a second read.
_PARSED_SUFFIXES = (".yaml", ".yml", ".json")
# Files compile only hashes (chart templates, packaged dependencies) may be larger
# than the YAML input limit: they are read through the same checks, in chunks.
MAX_HASHED_BYTES = 256 * 1024 * 1024
_Signature = tuple[int, int, int, int, int]
ReadsMark = tuple[int, int]
ReadsDelta = tuple[list[tuple[str, bytes]], list[tuple[Path, _Signature]]]


class InputReads:
    """The reads of one compile: a digest and a file status per path, and the bytes of
    every file that may be parsed. A refused file is remembered as its InputError."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.digests: dict[str, bytes] = {}
        self._signatures: dict[Path, _Signature] = {}
        self._kept: dict[Path, bytes] = {}
        self._sources: dict[Path, SourceFile] = {}
        self._refused: dict[Path, InputError] = {}
        self._covered: frozenset[str] | None = None

    def seal_covers(self) -> None:
        """Mark the files read so far as the ones the fingerprint covers."""
        self._covered = frozenset(self.digests)

    @property
    def refusals(self) -> list[InputError]:
        """Every file refused so far (the plan reports them all, read by it or not)."""
        return list(self._refused.values())

    def source(self, path: Path, max_bytes: int | None = None) -> SourceFile:
        """The decoded text of `path` (read now, or kept from the read that hashed it);
        `max_bytes` raises the workspace's limit for a file known to grow with the
        workspace (blueprintc.lock)."""
        source = self._sources.get(path)
        if source is not None:
            return source
        limit = max(self.max_bytes, max_bytes or 0)
        data = self._kept.pop(path, None)
        if data is None:
            data = self._read(path, limit)
        rel = self.rel(path)
        check_size(rel, len(data), limit)
        source = SourceFile(path, rel, decode_text(data, rel))
        self._sources[path] = source
        return source

    def digest(self, path: Path) -> bytes:
        """The sha256 of `path`'s bytes (read once; raises the refusal's InputError)."""
        rel = self.rel(path)
        digest = self.digests.get(rel)
        if digest is None:
            data = self._read(path, MAX_HASHED_BYTES)
            if path.suffix in _PARSED_SUFFIXES and len(data) <= self.max_bytes:
                self._kept[path] = data
            digest = self.digests[rel]
        return digest

    def rel(self, path: Path) -> str:
        return relative_name(path, self.root)

    def _read(self, path: Path, limit: int) -> bytes:
        refused = self._refused.get(path)
        if refused is not None:
            raise refused
        try:
            data, info = read_regular(path, self.root, limit)
        except InputError as exc:
            self._refused[path] = exc
            raise
        except OSError as exc:  # unreadable (EACCES, EIO): an input problem, not a crash
            rel = self.rel(path)
            error = InputError(
                "BPI007",
                f"cannot read {rel}: {exc.strerror or exc}",
                rel,
                hint="make the file readable",
            )
            self._refused[path] = error
            raise error from None
        self.digests[self.rel(path)] = hashlib.sha256(data).digest()
        self._signatures[path] = _signature(info)
        return data

    def mark(self) -> ReadsMark:
        """Where the reads stand now, for `since`."""
        return len(self.digests), len(self._signatures)

    def since(self, mark: ReadsMark) -> ReadsDelta:
        """The files read after `mark` (by a compile worker, for its parent to `merge`)."""
        digests = list(self.digests.items())[mark[0] :]
        return digests, list(self._signatures.items())[mark[1] :]

    def merge(self, delta: ReadsDelta) -> None:
        """Count a worker's reads as this compile's: `unchanged` checks them too."""
        digests, signatures = delta
        for rel, digest in digests:
            self.digests.setdefault(rel, digest)
        for path, signature in signatures:
            self._signatures.setdefault(path, signature)

    def unchanged(self) -> bool:
        """True if every file read is still the very file that was read, unwritten since,
        and the fingerprint covers every one of them."""
        if self._covered is None or not self._covered.issuperset(self.digests):
            return False
        for path, signature in self._signatures.items():
            try:
                if _signature(os.stat(path)) != signature:
                    return False
            except OSError:
                return False
        return True


def _signature(info: os.stat_result) -> _Signature:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def new_reads(workspace: Workspace) -> InputReads:
    """The reader of one compile of `workspace` (its root and file size limit)."""
    return InputReads(workspace.root, workspace.max_file_bytes)
