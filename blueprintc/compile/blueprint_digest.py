"""What identifies a Blueprint's content: the digest of every file under its directory
(a change anywhere rebuilds it), and the identity digest blueprintc.lock pins a
version by (the same commit has one identity on every machine)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from blueprintc.compile.inputfiles import tree_files
from blueprintc.compile.reads import InputReads
from blueprintc.source import InputError


def blueprint_digests(reads: InputReads, directory: Path) -> tuple[str, str]:
    """The content digest of every file under a Blueprint directory (each read once,
    through `reads`: a refused one counts as its refusal, and the plan reports it), and
    its `identity_digest`, from one walk of it."""
    files = tree_files(directory)
    return _digest_of(reads, directory, files), _digest_of(reads, directory, _pinned(files))


def identity_digest(reads: InputReads, directory: Path) -> str:
    """The digest blueprintc.lock pins a Blueprint version by: every file but the
    `charts/*.tgz` a `Chart.lock` beside them pins (helm dependency build rewrites
    them with new times in every checkout, and they are often gitignored; their
    content is the lock's), so the same commit has one identity on every machine."""
    return _digest_of(reads, directory, _pinned(tree_files(directory)))


def _pinned(files: list[Path]) -> list[Path]:
    """`files` without the `charts/*.tgz` a `Chart.lock` in the list pins."""
    locked = {p.parent / "charts" for p in files if p.name == "Chart.lock"}
    return [p for p in files if not (p.suffix == ".tgz" and p.parent in locked)]


def _digest_of(reads: InputReads, directory: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        if os.path.islink(path) and os.path.isdir(path):
            digest.update(b"link " + os.readlink(path).encode())
            continue
        try:
            digest.update(reads.digest(path))
        except InputError as exc:
            digest.update(f"refused {exc.rule}".encode())
    return digest.hexdigest()
