"""A sealed tree: proof, from stats alone, that out/ is exactly what the last emit left.

After an emit, `seal()` records the caller's fingerprint of every input plus the
stat of every file and directory it wrote (`out/.blueprintc/seal.json`,
machine-local). `is_sealed()` answers "same inputs, untouched tree?" with one
lstat per entry and no reads: a changed, added or removed file changes a file
stat or a directory mtime. Like git's index, an edit that keeps a file's size
and lands in the same timestamp tick as blueprintc's own write is not seen;
`compile --verify` skips the seal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .cache import read_bytes
from .model import STATE_DIR
from .tree import leftovers

SEAL = f"{STATE_DIR}/seal.json"
JOURNAL = f"{STATE_DIR}/journal.json"


def _stat(path: str) -> list[int]:
    info = os.lstat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode]


def seal(out: Path, fingerprint: str, files: list[str]) -> None:
    """Record `fingerprint` and the stats of `files` and their directories."""
    root = os.fspath(out)
    dirs = {""}
    for path in files:
        parts = path.split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
    entries = {}
    for path in sorted(dirs) + sorted(files):
        try:
            entries[path] = _stat(f"{root}/{path}" if path else root)
        except OSError:
            return  # something moved under us: leave the tree unsealed
    target = out / SEAL
    temp = target.with_name(f".{target.name}.{os.getpid()}")
    temp.write_bytes(json.dumps({"fingerprint": fingerprint, "entries": entries}).encode())
    os.replace(temp, target)


def is_sealed(out: Path, fingerprint: str) -> list[str] | None:
    """The sealed files if out/ is untouched since it was sealed with this
    `fingerprint`; None otherwise (then a full reconcile decides)."""
    try:
        raw = json.loads(read_bytes(out, SEAL))
        if raw.get("fingerprint") != fingerprint or os.path.lexists(out / JOURNAL):
            return None
        tmps, olds = leftovers(out)
        if tmps or olds:
            return None
        root = os.fspath(out)
        entries: dict[str, list[int]] = raw["entries"]
        for path, recorded in entries.items():
            if _stat(f"{root}/{path}" if path else root) != recorded:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return sorted(path for path, st in entries.items() if (st[3] & 0o170000) == 0o100000)
