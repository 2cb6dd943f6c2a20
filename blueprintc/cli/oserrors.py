"""OS errors at the CLI edge: one line saying what failed, where, what is on disk
now, and how to finish; shared by every command (``main`` calls it).

The layers say what a failure left (``blueprintc.oserror``); this module words it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from blueprintc.oserror import Left, OutputOSError

__all__ = ["describe", "describe_unexpected"]

_STATE = {
    Left.AS_BEFORE: "{dir} is as it was before this run",
    Left.ABSENT: "{dir} was not created",
    Left.COMMITTED: "the update of {dir} is committed and the next blueprintc command finishes it",
    Left.NEW_TREE: "{dir} holds the complete new tree (the next run tidies up beside it)",
    Left.WHOLE_FILES: "every file in {dir} is whole (each is written under a temporary name,"
    " then renamed); a rerun writes the missing ones",
    Left.NOTHING_WRITTEN: "nothing was written",
}


def describe(exc: OutputOSError, command: str, cwd: Path) -> str:
    """``cannot write out/x: No space left on device (ENOSPC); nothing was lost: ...``"""
    path = exc.path or exc.directory
    state = _STATE[exc.left].format(dir=f"{_shown(exc.directory, cwd)}/")
    fix = _fix(exc.error, exc.action, path, exc.directory, cwd)
    return (
        f"cannot {exc.action} {_shown(path, cwd)}: {_meaning(exc.error)}; "
        f"nothing was lost: {state}; fix: {fix}, then rerun {command}"
    )


def describe_unexpected(exc: OSError, command: str, cwd: Path) -> str:
    """An OS error no layer classified: what and where, with no claim about the disk."""
    name = exc.filename if isinstance(exc.filename, str | bytes | os.PathLike) else None
    path = Path(os.fsdecode(name)) if name is not None else None
    where = f" at {_shown(path, cwd)}" if path is not None else ""
    fix = _fix(exc, "use", path or cwd, path or cwd, cwd)
    return f"{_meaning(exc)}{where}; fix: {fix}, then rerun {command}"


def _meaning(exc: OSError) -> str:
    code = exc.errno if exc.errno is not None else 0
    meaning = exc.strerror or os.strerror(code)
    name = errno.errorcode.get(code)
    return f"{meaning} ({name})" if name else meaning


def _fix(exc: OSError, action: str, path: Path, directory: Path, cwd: Path) -> str:
    """How to remove the cause; ``directory``: the output directory concerned."""
    volume = _shown(_existing(directory), cwd)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free space on the file system holding {volume} (df {volume})"
    if exc.errno == errno.EROFS:
        return f"make the file system holding {volume} writable, or write elsewhere"
    if exc.errno in (errno.EACCES, errno.EPERM):
        if action == "use":  # not known whether to read or write it
            return f"give this user access to {_shown(path, cwd)}"
        # creating, renaming and removing need the permission on the directory
        where = path if action == "read" else path.parent
        return f"give this user {action} permission on {_shown(where, cwd)}"
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return "raise the open-file limit (ulimit -n 1024)"
    if exc.errno == errno.EBUSY:
        return (
            f"{_shown(path, cwd)} is a mount point or in use, and a whole-tree swap renames "
            "it: mount the directory above it instead"
        )
    return f"fix what stops blueprintc from using {_shown(path, cwd)}"


def _existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (what ``df`` can be asked about)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _shown(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` (the workspace, as a rule) when it lies inside."""
    absolute = path if path.is_absolute() else cwd / path
    try:
        return absolute.relative_to(cwd).as_posix() or "."
    except ValueError:
        return absolute.as_posix()
