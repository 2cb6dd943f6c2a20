"""emit, check, diff and recover: the emit layer's entry points.

Choosing how to write (after reconciling the plan with out/):

* nothing differs and the manifest is current -> write nothing at all: no file,
  directory or mtime changes, no temp tree (``noop``);
* only the manifest differs (inputs moved, bytes did not) -> journaled
  replace of the manifest alone (``manifest``);
* out/ absent, a planned path blocked by a directory/symlink/special file, or
  more than ``max(16, planned // 4)`` files to write or remove -> build a new
  tree and swap it in (``swap``, see tree.py): past a quarter of the tree an
  in-place update costs about as much as a rebuild (which hard-links the rest),
  and the rebuild is atomic for readers too;
* otherwise, or whenever out/ holds anything blueprintc did not write (unknown
  files, dot-entries such as ``.git``, the preserved dirs of other commands),
  which a new tree would not carry over whole -> journaled in-place replace of
  just those files (``in-place``, see journal.py): untouched files keep inode
  and mtime.

Ownership (see ownership.py and reconcile.py): out/ must be blueprintc's (absent,
empty, or marked); pruning removes only what out/'s manifest records, and
unknown files are reported (``EmitReport.unknown``) and kept unless
``force_prune``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..oserror import Left, leaving
from .difftext import render_diff
from .fsutil import locked
from .journal import commit
from .manifest import Manifest
from .model import EmitReport, OutputFile, Strategy
from .ownership import check_output
from .reconcile import Reconciliation, reconcile
from .recovery import recover_pending
from .seal import break_seal, seal
from .statedir import prepare_state_dir
from .tree import swap

__all__ = ["IN_PLACE_FRACTION", "IN_PLACE_MIN", "diff", "emit", "recover", "recover_pending"]

IN_PLACE_MIN = 16
IN_PLACE_FRACTION = 4


def emit(
    files: Iterable[OutputFile],
    out: Path | str,
    *,
    check: bool = False,
    prune: bool = True,
    preserve: Iterable[str] = (),
    trust_stat: bool = True,
    previous: Manifest | None = None,
    fingerprint: str = "",
    inputs_unchanged: Callable[[], bool] | None = None,
    force_prune: bool = False,
) -> EmitReport:
    """Make ``out`` hold exactly ``files`` (plus unplanned files when ``prune`` is False).

    With ``check``, write nothing and report what differs: ``written`` holds the
    stale and missing files, ``removed`` the extra ones. Top-level directories
    named in ``preserve`` are left as they are (and carried over by a swap).
    ``trust_stat=False`` re-hashes every file instead of trusting unchanged stats.
    ``previous``: out/'s manifest if the caller has just read it (saves a reload).
    ``fingerprint``: the caller's digest of its inputs, kept in the seal (seal.py).
    ``inputs_unchanged``: asked just before the seal is written; False (an input was
    written while the caller planned) leaves the tree unsealed.
    ``force_prune``: prune (and overwrite) files blueprintc did not write, too.
    """
    out = check_output(out, allowed=preserve)
    if check:
        with _reading(out):
            rec = reconcile(
                files, out, preserve=preserve, trust_stat=trust_stat, force_prune=force_prune
            )
        return _report(rec, prune, "check", 0.0)
    with leaving(out, Left.AS_BEFORE):  # swap and commit say what they left past that
        os.makedirs(out.parent, exist_ok=True)
        with locked(out.parent, exclusive=True):
            recover_pending(out)
            rec = reconcile(
                files,
                out,
                preserve=preserve,
                trust_stat=trust_stat,
                previous=previous,
                force_prune=force_prune,
            )
            t0 = time.perf_counter()
            strategy = _write(rec, out, prune)
            if strategy != "noop" or rec.seal is None or rec.seal.fingerprint != fingerprint:
                with leaving(out, Left.NEW_TREE):
                    if inputs_unchanged is None or inputs_unchanged():
                        seal(out, fingerprint, [p.file.path for p in rec.planned])
                    else:
                        break_seal(out)  # an input was written meanwhile: stay unsealed
            return _report(rec, prune, strategy, time.perf_counter() - t0)


def diff(
    files: Iterable[OutputFile],
    out: Path | str,
    *,
    prune: bool = True,
    preserve: Iterable[str] = (),
    force_prune: bool = False,
    previous: Manifest | None = None,
) -> str:
    """A unified diff (``a/``, ``b/`` paths, sorted) of what ``emit`` would change.
    ``previous``: out/'s manifest if the caller has just read it (saves a reload)."""
    out = check_output(out, allowed=preserve)
    with _reading(out):
        rec = reconcile(
            files,
            out,
            keep_old=True,
            preserve=preserve,
            previous=previous,
            force_prune=force_prune,
        )
        return render_diff(rec, out, prune=prune)


def recover(out: Path | str) -> bool:
    """Finish or undo an interrupted emit into ``out``; True if anything was done.

    ``emit`` does this itself first; call it to repair a tree before reading it.
    """
    out = Path(out)
    if not out.parent.is_dir():
        return False
    with leaving(out, Left.AS_BEFORE), locked(out.parent, exclusive=True):
        return recover_pending(out)


def _write(rec: Reconciliation, out: Path, prune: bool) -> Strategy:
    writes = rec.writes
    removes = rec.extra if prune else [p for p in rec.extra if p in rec.in_the_way]
    remove_dirs = rec.extra_dirs if prune else [d for d in rec.extra_dirs if d in rec.in_the_way]
    changes = len(writes) + len(removes) + len(remove_dirs)
    if not changes and not rec.manifest_changed and rec.disk.state_dir_ok:
        return "noop"
    if rec.disk.exists and rec.disk.state_dir_ok:
        break_seal(out)
    limit = max(IN_PLACE_MIN, len(rec.planned) // IN_PLACE_FRACTION)
    whole = not rec.disk.exists or rec.conflicts or changes > limit
    if whole and not rec.foreign:  # a new tree would lose nothing that is not ours
        files = [(p.file.path, p.data if p.needs_write else None) for p in rec.planned]
        keep = [*rec.preserved, *([] if prune else _keepable(rec))]
        swap(out, files, rec.manifest.state_files(), keep=keep)
        return "swap"
    prepare_state_dir(out)
    pairs = [(p.file.path, p.data) for p in writes if p.data is not None]
    commit(out, pairs, removes, remove_dirs, rec.manifest.state_files(rec.old_manifest))
    return "in-place" if changes else "manifest"


def _keepable(rec: Reconciliation) -> list[str]:
    """Extra files that can be carried into a new tree without clashing with the plan."""
    planned = {p.file.path for p in rec.planned}
    keep = []
    for path in rec.extra:
        parts = path.split("/")
        prefixes = ("/".join(parts[:i]) for i in range(1, len(parts)))
        if not any(prefix in planned for prefix in prefixes):
            keep.append(path)
    return keep


def _report(rec: Reconciliation, prune: bool, strategy: Strategy, seconds: float) -> EmitReport:
    written = [p for p in rec.planned if p.needs_write]
    removed = rec.extra if prune else [p for p in rec.extra if p in rec.in_the_way]
    owners = {p.file.owner for p in written}
    owners.update(e.owner for path in removed if (e := rec.old_manifest.files.get(path)))
    return EmitReport(
        written=tuple(p.file.path for p in written),
        unchanged=tuple(p.file.path for p in rec.planned if not p.needs_write),
        removed=tuple(removed),
        unknown=rec.unknown,
        missing=tuple(p.file.path for p in written if p.status == "missing"),
        owners=tuple(sorted(owners - {""})),
        strategy=strategy,
        serialised=sum(1 for p in rec.planned if p.status != "fresh"),
        serialise_seconds=rec.serialise_seconds,
        write_seconds=seconds,
    )


@contextlib.contextmanager
def _reading(out: Path) -> Iterator[None]:
    """A shared lock on out/'s parent, if it exists (readers create no directories);
    an OS error while reading says that nothing was written."""
    with leaving(out, Left.NOTHING_WRITTEN, action="read"):
        if not out.parent.is_dir():
            yield
            return
        with locked(out.parent, exclusive=False):
            yield
