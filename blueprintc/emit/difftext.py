"""Render what a compile would change as one unified diff, sorted by path."""

from __future__ import annotations

import difflib
from pathlib import Path

from .cache import read_bytes
from .reconcile import Reconciliation

__all__ = ["render_diff"]

_NO_EOL = "\\ No newline at end of file\n"


def render_diff(rec: Reconciliation, out: Path, *, prune: bool) -> str:
    """Git-style: ``a/<path>`` is out/ now, ``b/<path>`` what emit would write."""
    changes: list[tuple[str, bytes | None, bytes | None]] = [
        (p.file.path, p.old, p.data) for p in rec.planned if p.needs_write
    ]
    if prune:
        changes.extend((path, _old_bytes(rec, out, path), None) for path in rec.extra)
    chunks = [_file_diff(path, old, new) for path, old, new in sorted(changes, key=_by_path)]
    return "".join(chunks)


def _by_path(change: tuple[str, bytes | None, bytes | None]) -> str:
    return change[0]


def _old_bytes(rec: Reconciliation, out: Path, path: str) -> bytes:
    if rec.disk.kinds.get(path) != "file":
        return b""  # a symlink or special file: shown as an empty file going away
    return read_bytes(out, path)


def _file_diff(path: str, old: bytes | None, new: bytes | None) -> str:
    a = f"a/{path}" if old is not None else "/dev/null"
    b = f"b/{path}" if new is not None else "/dev/null"
    lines = difflib.unified_diff(_lines(old), _lines(new), a, b)
    text = "".join(line if line.endswith("\n") else line + "\n" + _NO_EOL for line in lines)
    return text or f"--- {a}\n+++ {b}\n"  # content equal but not a regular file


def _lines(data: bytes | None) -> list[str]:
    if not data:
        return []
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)
