"""Which directories blueprintc may write into: the output ownership contract.

blueprintc writes and deletes only inside a directory it owns: one that is
absent, empty, or carries its state marker ``.blueprintc/`` from an earlier run.
Every command that reads or writes an output directory (compile, ``compile
--check``, diff, build, publish, keygen) asks this module first, before it reads
or writes anything there, and is refused (``OwnershipError``, exit 2) when the
directory:

* is a filesystem root, or is or contains the home directory;
* is or contains a guarded path (the workspace, and the inputs it names: catalog
  dirs, Organizations, overlays), or lies inside a guarded input;
* is a symbolic link or not a directory;
* holds entries but no marker (someone else's files).

What the marker allows is still limited: emit prunes only the paths its own
manifest records and never a dot-entry (reconcile.py). The check costs a realpath,
a few lstats and at most one directory listing stopped after a few entries: it
never walks a tree.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from blueprintc.oserror import Left, OutputOSError

from .model import STATE_DIR, EmitError

__all__ = [
    "MARKER",
    "Guarded",
    "OwnershipError",
    "check_directory",
    "check_output",
    "claim_output",
    "is_owned",
]

MARKER = STATE_DIR  # the same directory emit keeps its manifest in
_SHOWN = 3  # foreign entries named in a refusal
_FIX = (
    "choose a new or empty directory of its own (such as out/ inside the workspace: "
    "-o DIR, or `out:` in blueprintc.yaml)"
)


class OwnershipError(EmitError):
    """An output directory that blueprintc does not own: nothing was read or written."""


@dataclass(frozen=True)
class Guarded:
    """A path no output directory may be, contain or (unless ``nested_ok``) lie in."""

    path: Path
    label: str  # e.g. "the workspace /w", "the Organizations directory organizations/"
    nested_ok: bool = False  # the workspace itself: out/ inside it is the normal case


def check_output(
    out: Path | str,
    guarded: Iterable[Guarded] = (),
    *,
    allowed: Collection[str] = (),
    what: str = "output directory",
) -> Path:
    """The absolute ``out`` if blueprintc may write there; else ``OwnershipError``.

    ``allowed`` names top-level entries that may sit in an unmarked ``out`` because
    other blueprintc commands own them (``oci/``, ``build/``, ``git/`` in out/).
    """
    absolute = Path(os.path.abspath(out))
    real = Path(os.path.realpath(absolute))
    shown = os.fspath(out)
    if real.parent == real:
        _refuse(what, shown, "is the filesystem root", _FIX)
    home = _home()
    if home is not None and (real == home or home.is_relative_to(real)):
        where = "your home directory" if real == home else f"your home directory {home}"
        _refuse(what, shown, f"{'is' if real == home else 'contains'} {where}", _FIX)
    for guard in guarded:
        target = Path(os.path.realpath(guard.path))
        if real == target:
            _refuse(what, shown, f"is {guard.label}", _FIX)
        if target.is_relative_to(real):
            _refuse(what, shown, f"contains {guard.label}", _FIX)
        if not guard.nested_ok and real.is_relative_to(target):
            _refuse(what, shown, f"lies inside {guard.label}", _FIX)
    try:
        mode = os.lstat(absolute).st_mode
    except FileNotFoundError:
        return absolute
    except OSError as exc:
        _refuse(what, shown, f"cannot be examined ({exc.strerror})", _FIX)
    if stat.S_ISLNK(mode):
        _refuse(what, shown, "is a symbolic link, not a directory", "give the real directory")
    if not stat.S_ISDIR(mode):
        _refuse(what, shown, "is not a directory", _FIX)
    if is_owned(absolute):
        return absolute
    foreign = _foreign_entries(absolute, allowed)
    if foreign:
        names = ", ".join(foreign[:_SHOWN]) + (", ..." if len(foreign) > _SHOWN else "")
        _refuse(
            what,
            shown,
            f"holds files blueprintc did not write ({names}) and no {MARKER}/ marker",
            "choose a new or empty directory, or move those files away "
            "(blueprintc deletes only what it wrote)",
        )
    return absolute


def claim_output(
    out: Path | str,
    guarded: Iterable[Guarded] = (),
    *,
    allowed: Collection[str] = (),
    what: str = "output directory",
) -> Path:
    """``check_output``, then create ``out`` and its marker: from now on it is blueprintc's."""
    absolute = check_output(out, guarded, allowed=allowed, what=what)
    try:
        os.makedirs(absolute / MARKER, exist_ok=True)
    except OSError as exc:  # one line at the CLI: what, where, that nothing was lost
        raise OutputOSError(exc, "write", absolute, Left.AS_BEFORE, absolute / MARKER) from exc
    return absolute


def check_directory(directory: Path | str, what: str) -> Path:
    """For commands that write a few named files and delete nothing (keygen): the
    directory may hold anything, but it must be a directory (or absent), not a root."""
    absolute = Path(os.path.abspath(directory))
    shown = os.fspath(directory)
    real = Path(os.path.realpath(absolute))
    if real.parent == real:
        _refuse(what, shown, "is the filesystem root", "give a directory of its own")
    if os.path.lexists(absolute) and not os.path.isdir(absolute):
        _refuse(what, shown, "is not a directory", "give a directory")
    return absolute


def is_owned(directory: Path) -> bool:
    """True if ``directory`` carries blueprintc's marker. The name is reserved to
    blueprintc whatever stands there now (emit clears squatters on its state dir,
    statedir.py); nothing is ever read through it."""
    return os.path.lexists(directory / MARKER)


def _foreign_entries(directory: Path, allowed: Collection[str]) -> list[str]:
    """Up to one more than ``_SHOWN`` entries of ``directory`` not in ``allowed``."""
    found: list[str] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name in allowed:
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                found.append(entry.name + ("/" if is_dir else ""))
                if len(found) > _SHOWN:
                    break
    except OSError as exc:
        raise OwnershipError(f"cannot list {directory}: {exc.strerror}") from None
    return sorted(found)


def _home() -> Path | None:
    home = os.path.expanduser("~")
    return Path(os.path.realpath(home)) if home and home != "~" else None


def _refuse(what: str, shown: str, why: str, fix: str) -> NoReturn:
    raise OwnershipError(f"{shown} {why}: refusing it as the {what}; fix: {fix}")
