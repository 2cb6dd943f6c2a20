"""An OS error (ENOSPC, EROFS, EACCES, EMFILE, ...) met while writing or reading an
output directory, as data: what failed, where, and what the directory holds now.

Each layer that writes (emit, build, publish) runs its steps inside
``leaving(directory, Left.X)``: an ``OSError`` raised in there becomes an
``OutputOSError`` that says what the step left on disk, which only that layer
knows (the innermost ``leaving`` wins). The CLI edge turns it into one line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

__all__ = ["Left", "OutputOSError", "leaving"]


class Left(Enum):
    """What a step that failed with an OS error left in its output directory."""

    AS_BEFORE = "as-before"  # untouched: its previous tree, or absent if it was
    ABSENT = "absent"  # AS_BEFORE, for a directory that did not exist before
    COMMITTED = "committed"  # the update is committed: the next blueprintc command finishes it
    NEW_TREE = "new-tree"  # the complete new tree; only leftovers or the seal pending
    WHOLE_FILES = "whole-files"  # every file whole (temp name + rename); some may be missing
    NOTHING_WRITTEN = "nothing-written"  # a read failed before anything was written


class OutputOSError(OSError):
    """``error`` met while ``action`` (e.g. "write") ``path`` in ``directory``, which
    the failed step left as ``left`` says. Still an ``OSError`` (same errno)."""

    def __init__(
        self, error: OSError, action: str, directory: Path, left: Left, path: Path | None
    ) -> None:
        super().__init__(error.errno, error.strerror)
        if left is Left.AS_BEFORE and not os.path.lexists(directory):
            left = Left.ABSENT  # say "was not created", not "as it was"
        self.error = error
        self.action = action
        self.directory = directory
        self.left = left
        self.path = path

    def __str__(self) -> str:
        return f"cannot {self.action} {self.path or self.directory}: {self.error.strerror}"


@contextlib.contextmanager
def leaving(
    directory: Path,
    left: Left,
    *,
    action: str = "write",
    temporary: Path | None = None,
) -> Iterator[None]:
    """Turn an ``OSError`` raised inside into an ``OutputOSError`` saying ``left``.

    ``temporary``: a tree built beside ``directory`` to replace it; a path inside
    it is reported as the path it was going to have in ``directory``.
    """
    try:
        yield
    except OutputOSError:
        raise  # an inner step knew better what it left
    except OSError as exc:
        path = _named_path(exc, directory, temporary)
        raise OutputOSError(exc, action, directory, left, path) from exc


def _named_path(exc: OSError, directory: Path, temporary: Path | None) -> Path | None:
    if not isinstance(exc.filename, str | bytes | os.PathLike):
        return None
    path = Path(os.fsdecode(exc.filename))
    if temporary is not None and path.is_relative_to(temporary):
        return directory / path.relative_to(temporary)
    return path
