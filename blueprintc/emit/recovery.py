"""Finishing or undoing an interrupted emit, which every reader of out/ does first
under compile's lock: here, without the emitter's imports (the reconciler and the
YAML writer, about 20 ms), which a delivery or a publish never uses."""

from __future__ import annotations

from pathlib import Path

from .journal import recover_journal
from .tree import recover_swap


def recover_pending(out: Path) -> bool:
    """Finish or undo an interrupted emit; the caller holds the lock."""
    swapped = recover_swap(out)
    journaled = out.is_dir() and not out.is_symlink() and recover_journal(out)
    return swapped or journaled
