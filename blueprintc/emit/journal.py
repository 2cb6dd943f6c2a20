"""In-place update of a few files in out/, all or nothing after recovery.

For small changes, rebuilding the whole tree would cost a link per file and new
directory inodes everywhere; instead each changed file is replaced on its own
with ``os.replace`` (atomic per file: a reader sees the old or the new bytes,
never a torn file), and untouched files keep their inode and mtime.

To make the *set* of replacements atomic too, it is journaled:

1. Every new file, and the new manifest shards and index, is written into
   ``out/.blueprintc/staging/`` (same file system) and made durable.
   -> Crash: nothing in out/ changed; recovery deletes the staging dir.
2. The journal (list of renames and removals) is written to staging and
   renamed to ``out/.blueprintc/journal.json``: the commit point.
3. The journal is applied: pruned files are unlinked and emptied directories
   removed first (so a file of the last tree that stands where the new one needs
   a directory makes way), then each staged file is renamed over its target,
   the manifest's files are replaced (the index last), directories are fsynced.
   -> Crash: out/ holds a mix of old and new files, each one whole; the
   journal is present, and recovery replays it. Replay is idempotent (a staged
   file already renamed is simply gone), so a crash during recovery is fine.
4. The journal and staging dir are deleted.

A reader that looks while step 3 runs can see a mix, for as long as a few
renames take; a reader after any later emit (which recovers first) cannot.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..oserror import Left, leaving
from .fsutil import fsync_dir, sync_tree, write_new
from .manifest import StateFile
from .model import STATE_DIR, EmitError

__all__ = ["commit", "recover_journal"]

# remove: [path], remove_dirs: [path], replace: [[staged, path]],
# state: [[staged or None, path under the state dir]] (None: delete)
Journal = dict[str, list[Any]]

_JOURNAL = f"{STATE_DIR}/journal.json"
_STAGING = f"{STATE_DIR}/staging"
_FSYNC_EACH_MAX = 64  # beyond this many files one syncfs is cheaper than an fsync each


def commit(
    out: Path,
    writes: Sequence[tuple[str, bytes]],
    removes: Sequence[str],
    remove_dirs: Sequence[str],
    state: Sequence[StateFile],
) -> None:
    """Replace ``writes``, unlink ``removes``, rmdir ``remove_dirs`` (deepest first),
    then write or delete the ``state`` files (in their order)."""
    staging = out / _STAGING
    with leaving(out, Left.AS_BEFORE):
        os.makedirs(staging)
        try:
            journal = _stage(staging, writes, removes, remove_dirs, state)
            os.replace(staging / "journal.json", out / _JOURNAL)  # the commit point
        except BaseException:
            if not os.path.lexists(out / _JOURNAL):  # not committed: leave no trace
                shutil.rmtree(staging, ignore_errors=True)
            raise
    with leaving(out, Left.COMMITTED):  # the next command's recovery replays the journal
        fsync_dir(out / STATE_DIR)
        _apply(out, journal)


def _stage(
    staging: Path,
    writes: Sequence[tuple[str, bytes]],
    removes: Sequence[str],
    remove_dirs: Sequence[str],
    state: Sequence[StateFile],
) -> Journal:
    """Write the new files, the state files and the journal into ``staging``, durably."""
    fsync_each = len(writes) + len(state) < _FSYNC_EACH_MAX
    renames: list[list[str]] = []
    for i, (path, data) in enumerate(writes):
        name = f"{i:06d}"
        write_new(staging / name, data, fsync=fsync_each)
        renames.append([name, path])
    states: list[list[str | None]] = []
    for i, (path, data) in enumerate(state):
        name = None if data is None else f"state-{i:06d}"
        if data is not None:
            write_new(staging / f"state-{i:06d}", data, fsync=fsync_each)
        states.append([name, path])
    if not fsync_each:
        sync_tree(staging)
    journal: Journal = {
        "remove": list(removes),
        "remove_dirs": list(remove_dirs),
        "replace": renames,
        "state": states,
    }
    write_new(staging / "journal.json", json.dumps(journal).encode(), fsync=True)
    fsync_dir(staging)
    return journal


def recover_journal(out: Path) -> bool:
    """Replay a committed journal, or drop uncommitted staging; True if anything was done."""
    journal_path = out / _JOURNAL
    staging = out / _STAGING
    if os.path.lexists(journal_path):
        try:
            journal = _journal(json.loads(journal_path.read_bytes()))
        except (OSError, ValueError) as exc:
            raise EmitError(
                f"cannot read the emit journal {journal_path}: {exc}; fix: delete "
                f"{out / STATE_DIR} (the next compile then compares every file and "
                "repairs out/)"
            ) from exc
        with leaving(out, Left.COMMITTED):
            _apply(out, journal)
        return True
    if os.path.lexists(staging):
        with leaving(out, Left.AS_BEFORE):  # uncommitted: out/'s files are the old ones
            shutil.rmtree(staging)
        return True
    return False


def _journal(data: object) -> Journal:
    """`data` as a journal, checked whole before any of it is applied: valid JSON of
    another shape (`null`, `[]`, a key missing) is as unreadable as invalid JSON."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("remove", "remove_dirs", "replace", "state"):
        items = data.get(key)
        if not isinstance(items, list):
            raise ValueError(f"{key!r} is not a list")
        for item in items:
            if key.startswith("remove"):
                ok = isinstance(item, str)
            else:
                ok = (
                    isinstance(item, list)
                    and len(item) == 2
                    and isinstance(item[1], str)
                    and (isinstance(item[0], str) or (key == "state" and item[0] is None))
                )
            if not ok:
                raise ValueError(f"{key!r} holds {json.dumps(item)[:80]}")
    return data


def _apply(out: Path, journal: Journal) -> None:
    staging = out / _STAGING
    touched: set[Path] = set()
    for path in journal["remove"]:
        target = out / path
        # Gone, or (on a replay) already replaced by a directory the new tree needs.
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            os.unlink(target)
        touched.add(target.parent)
    for path in journal["remove_dirs"]:
        try:
            os.rmdir(out / path)
        except OSError:
            continue  # not empty (it holds files we were told to keep) or gone
        touched.add((out / path).parent)
    for name, path in journal["replace"]:
        src = staging / name
        if not os.path.lexists(src):
            continue  # applied before a crash
        target = out / path
        os.makedirs(target.parent, exist_ok=True)
        os.replace(src, target)
        touched.add(target.parent)
    state_dir = out / STATE_DIR
    for name, path in journal["state"]:
        target = state_dir / path
        if name is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        elif os.path.lexists(staging / name):
            os.makedirs(target.parent, exist_ok=True)
            os.replace(staging / name, target)
        touched.add(target.parent)
    for directory in sorted(touched):
        if directory.is_dir():
            fsync_dir(directory)
    fsync_dir(out / STATE_DIR)
    os.unlink(out / _JOURNAL)
    shutil.rmtree(staging)
    fsync_dir(out / STATE_DIR)
