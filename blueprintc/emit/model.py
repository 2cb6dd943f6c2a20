"""The emit layer's data: what the plan hands over, and what emit reports back."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["STATE_DIR", "EmitError", "EmitReport", "OutputFile", "check_paths", "parent_dirs"]

STATE_DIR = ".blueprintc"  # inside out/: manifest, journal, staging; no planned file lives here

Strategy = Literal["noop", "manifest", "in-place", "swap", "check"]


class EmitError(Exception):
    """A problem with the output tree or the planned files (not with the user's specs)."""


@dataclass(frozen=True)
class OutputFile:
    """One planned file.

    ``documents`` is plain data (dict, list, tuple, str, int, float, bool, None),
    one YAML document each. ``inputs`` is the plan's digest of everything that
    determined this file: when it and the file on disk are as recorded, the file
    is neither serialised nor touched.
    """

    path: str
    documents: tuple[Any, ...]
    inputs: str
    owner: str = ""
    # Lazily produces ``documents`` when the cache cannot vouch for the file: lets
    # an incremental plan skip building what it expects to be fresh.
    build: Callable[[], tuple[Any, ...]] | None = field(default=None, compare=False)
    # The documents already serialised (by a compile worker process, which sends the
    # bytes instead of the documents): ``documents`` is then empty.
    data: bytes | None = field(default=None, compare=False)

    def content(self) -> tuple[Any, ...]:
        return self.documents if self.build is None else self.build()


@dataclass(frozen=True)
class EmitReport:
    """What emit did (or, with ``check=True``, would do). Paths are sorted."""

    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # files in out/ that blueprintc did not write: kept
    missing: tuple[str, ...] = ()  # the subset of ``written`` that did not exist before
    owners: tuple[str, ...] = ()  # owners of written or removed files
    strategy: Strategy = "noop"
    serialised: int = 0  # files serialised (cache misses)
    serialise_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "written": len(self.written),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "serialised": self.serialised,
        }

    @property
    def stale(self) -> tuple[str, ...]:
        """Files that exist but differ from the plan."""
        missing = set(self.missing)
        return tuple(p for p in self.written if p not in missing)

    @property
    def extra(self) -> tuple[str, ...]:
        """Files on disk that the plan no longer has (removed, or to remove)."""
        return self.removed

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def check_paths(files: Iterable[OutputFile]) -> tuple[list[OutputFile], set[str]]:
    """The files sorted by path, and every directory they need.

    Refuses unsafe, duplicate or clashing (file and directory at once) paths.
    """
    ordered = sorted(files, key=lambda f: f.path)
    previous = None
    for f in ordered:
        _check_path(f.path)
        if f.path == previous:
            raise EmitError(f"two planned files share the path {f.path!r}")
        previous = f.path
    dirs = parent_dirs(f.path for f in ordered)
    clash = sorted(dirs.intersection(f.path for f in ordered))
    if clash:
        raise EmitError(f"{clash[0]!r} is planned both as a file and as a directory")
    return ordered, dirs


def parent_dirs(paths: Iterable[str]) -> set[str]:
    """Every directory above any of `paths` (posix, relative; out/ itself not included)."""
    dirs: set[str] = set()
    for path in paths:
        head = path.rpartition("/")[0]
        while head and head not in dirs:
            dirs.add(head)
            head = head.rpartition("/")[0]
    return dirs


# Relative and normalised: no empty, "." or ".." part, no part starting with a dot, no
# backslash or NUL. One compiled match: the per-part Python test cost 0.4 s at N = 1000.
_SAFE_PATH = re.compile(r"[^/\\\x00.][^/\\\x00]*(?:/[^/\\\x00.][^/\\\x00]*)*")


def _check_path(path: str) -> None:
    if not isinstance(path, str) or not path:
        raise EmitError(f"invalid output path {path!r}")
    if _SAFE_PATH.fullmatch(path) is None:
        raise EmitError(
            f"output path {path!r} must be relative and normalised, with no part starting "
            f"with a dot ({STATE_DIR}/ and dot-entries such as .git are never written)"
        )
