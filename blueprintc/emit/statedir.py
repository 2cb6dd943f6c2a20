"""out/.blueprintc belongs to emit alone: before writing, anything squatting on the
names emit writes there (a file where a directory goes, a directory where a file
goes, a symlink anywhere) is removed, so a mangled state dir costs speed, never a
failed or half-applied write."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from .model import STATE_DIR

__all__ = ["prepare_state_dir", "remove_entry"]

_DIRS = ("", "owners")  # relative to the state dir
_FILES = ("manifest.json", "seal")


def prepare_state_dir(out: Path) -> None:
    state = out / STATE_DIR
    for name in _DIRS:
        path = state / name if name else state
        if not _is(path, stat.S_ISDIR):
            remove_entry(path)
            os.mkdir(path)
    for name in _FILES:
        path = state / name
        if os.path.lexists(path) and not _is(path, stat.S_ISREG):
            remove_entry(path)


def remove_entry(path: Path) -> None:
    """Remove whatever `path` is (a real directory with everything in it); no error
    if it is absent."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _is(path: Path, test: Callable[[int], bool]) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return test(mode)
