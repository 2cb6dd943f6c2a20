"""Patch a sealed out/: replace the files of a few owners, touch nothing else.

`emit` reconciles the whole plan with the whole tree, which costs a walk of
out/ and a record of every file. When out/ is sealed (seal.py: provably what the
last emit left) and only some owners' inputs changed, that is wasted work: the
other owners' files are known to be on disk exactly as recorded. `patch` takes
the re-planned files of just those owners and:

1. loads only those owners' manifest shards, serialises their files and
   compares sha256s with the recorded ones (no file of out/ is read: the seal
   vouches that each holds its recorded bytes);
2. checks, under the lock, that the tree is still untouched (one lstat per
   sealed entry, nothing read);
3. writes what differs and prunes what the owners no longer have, with the
   same journal as an in-place emit (journal.py), shards and index last;
4. re-seals, stat-ing again only what it touched.

It declines (returns None, and the caller falls back to `emit`) when the tree
is not sealed or was touched, when a new path collides with a file or
directory of another owner, or when the change is past the size where `emit`
would rebuild the whole tree instead (see emitter.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..oserror import Left, leaving
from .cache import sha256
from .emitter import IN_PLACE_FRACTION, IN_PLACE_MIN
from .fsutil import locked
from .journal import commit
from .manifest import (
    Entry,
    Manifest,
    ManifestIndex,
    StateFile,
    top_owner,
)
from .model import EmitReport, OutputFile, check_paths, parent_dirs
from .reconcile import serialise
from .recovery import recover_pending
from .seal import Seal, break_seal
from .statedir import prepare_state_dir

__all__ = ["Patch", "patch"]


@dataclass(frozen=True)
class Patch:
    """What a patch would do, decided from the plan, the shards and the seal."""

    writes: list[tuple[str, bytes]]
    missing: list[str]
    removes: list[str]
    remove_dirs: list[str]  # deepest first
    state: list[StateFile]
    serialise_seconds: float


def patch(
    out: Path,
    files: Sequence[OutputFile],
    owners: Iterable[str],
    sealed: Seal,
    index: ManifestIndex,
    fingerprint: str,
    old: Manifest | None = None,
    inputs_unchanged: Callable[[], bool] | None = None,
    preserved: Collection[str] = (),
) -> EmitReport | None:
    """Make the files of top-level `owners` exactly `files` (owners with no files are
    removed); everything else in out/ stays as sealed. None: declined (see above).
    `old`: the owners' manifest shards, if the caller has loaded them.
    `inputs_unchanged`: asked before re-sealing; False leaves the tree unsealed.
    `preserved`: top-level names of out/ other commands own (`Seal.untouched`)."""
    owners = set(owners)
    with leaving(out, Left.AS_BEFORE), locked(out.parent, exclusive=True):
        if recover_pending(out):
            return None
        if old is None:
            old = Manifest.load(out, owners)
        # Decided from the seal and the shards alone, so before the seal's stats are
        # asked for: a sweep started ahead (Seal.sweep_ahead) goes on meanwhile.
        sealed_files = sealed.files()
        plan = _decide(files, owners, sealed, len(sealed_files), index, old)
        if plan is None or not sealed.untouched(out, preserved):
            return None
        t0 = time.perf_counter()
        changes = len(plan.writes) + len(plan.removes) + len(plan.remove_dirs)
        if changes or plan.state:
            break_seal(out)
            prepare_state_dir(out)
            commit(out, plan.writes, plan.removes, plan.remove_dirs, plan.state)
        written = [path for path, _ in plan.writes]
        with leaving(out, Left.NEW_TREE):
            if inputs_unchanged is None or inputs_unchanged():
                gone = [*plan.removes, *plan.remove_dirs]
                sealed.updated(out, fingerprint, written, gone).write(out)
            else:
                break_seal(out)  # an input was written meanwhile: stay unsealed
        seconds = time.perf_counter() - t0
    # Every sealed file is another owner's, or one of these owners' unchanged, written
    # or removed files (a planned path sealed as another's declined above), so the
    # unchanged are the sealed files less the written and removed, in sealed order.
    changed = {*written, *plan.removes}
    return EmitReport(
        written=tuple(sorted(written)),
        unchanged=tuple(p for p in sealed_files if p not in changed),
        removed=tuple(plan.removes),
        missing=tuple(plan.missing),
        owners=tuple(sorted(_owners_of(files, plan, old) - {""})),
        strategy="in-place" if changes else ("manifest" if plan.state else "noop"),
        serialised=len(files),
        serialise_seconds=plan.serialise_seconds,
        write_seconds=seconds,
    )


def _decide(
    files: Sequence[OutputFile],
    owners: set[str],
    sealed: Seal,
    sealed_count: int,
    index: ManifestIndex,
    old: Manifest,
) -> Patch | None:
    ordered, needed_dirs = check_paths(files)
    if any(sealed.is_file(d) for d in needed_dirs):
        return None  # a new directory where another owner has a file
    writes: list[tuple[str, bytes]] = []
    missing: list[str] = []
    entries: dict[str, Entry] = {}
    spent = 0.0
    for f in ordered:
        if top_owner(f.owner) not in owners:
            return None
        recorded = old.files.get(f.path)
        if recorded is None and sealed.mode(f.path) is not None:
            return None  # another owner's file, or a directory
        t0 = time.perf_counter()
        data = serialise(f)
        spent += time.perf_counter() - t0
        digest = sha256(data)
        entries[f.path] = Entry(f.inputs, digest, f.owner)
        if recorded is not None and recorded.sha256 == digest:
            continue  # as recorded: unchanged
        writes.append((f.path, data))
        if recorded is None:
            missing.append(f.path)
    removes = sorted(p for p in old.files if p not in entries)
    remove_dirs = _emptied_dirs(sealed, removes, needed_dirs)
    limit = max(IN_PLACE_MIN, sealed_count // IN_PLACE_FRACTION)
    if len(writes) + len(removes) + len(remove_dirs) > limit:
        return None  # past this, emit rebuilds the tree (atomic for readers too)
    new = Manifest(entries)
    return Patch(
        writes,
        missing,
        removes,
        remove_dirs,
        new.state_files(old, base=index),
        spent,
    )


def _emptied_dirs(sealed: Seal, removes: list[str], needed: set[str]) -> list[str]:
    """Directories that hold nothing once `removes` are gone (deepest first)."""
    gone = set(removes)
    result: list[str] = []
    for directory in sorted(parent_dirs(removes), key=lambda d: (-d.count("/"), d)):
        if directory in needed:
            continue
        if all(p in gone for p in sealed.under(f"{directory}/")):
            gone.add(directory)
            result.append(directory)
    return result


def _owners_of(files: Sequence[OutputFile], plan: Patch, old: Manifest) -> set[str]:
    owner = {f.path: f.owner for f in files}
    result = {owner[path] for path, _ in plan.writes}
    result.update(old.files[path].owner for path in plan.removes)
    return result
