"""Compile only the owners whose inputs changed, into an out/ that is provably untouched.

A one-Application edit changes one Organization file, so one owner's inputs
digest. When out/ is sealed (every entry has the stat the last emit left), the
other owners' files are known to be exactly as their manifest shards record,
so there is nothing to plan, read or write for them: this plans the changed
owners (and the catalyst-config index, which lists every Organization), checks
their objects, and patches just their files into out/ (emit/patch.py).

Anything unusual declines (None) and the caller runs the full compile: shared
inputs changed (every owner changes), no manifest index, a touched tree, a
path collision, or a change big enough that emit would rebuild the tree.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.outcome import CompileOutcome, outcome_of
from blueprintc.compile.outdir import NOT_COMPILED
from blueprintc.compile.planner import (
    CATALYST_CONFIG,
    INDEX_OWNER,
    CompileResult,
    compile_workspace,
    index_files,
)
from blueprintc.compile.reads import InputReads
from blueprintc.emit.manifest import Manifest, ManifestIndex, top_owner
from blueprintc.emit.patch import patch
from blueprintc.emit.seal import Seal
from blueprintc.workspace import Workspace


def compile_changed_owners(
    workspace: Workspace,
    out: Path,
    sealed: Seal,
    fingerprint: str,
    validate: bool,
    reads: InputReads,
) -> CompileOutcome | None:
    """`reads`: those of `fingerprint`, the bytes to plan; re-checked before re-sealing."""
    index = ManifestIndex.load(out)
    if index is None:
        return None
    result = compile_workspace(workspace, unchanged=index, reads=reads)
    if not result.partial_ok:
        return None
    replanned = {top_owner(f.owner) for f in result.files}
    present = result.carried | replanned
    gone = {o for o in index.owners if o not in present}  # since the last emit
    owners = replanned | gone | {INDEX_OWNER}
    old = Manifest.load(out, owners)
    result.files.extend(index_files(result.inputs, _catalyst_resources(sealed, old, result)))
    outcome = outcome_of(result, validate)
    if outcome.failing:
        return outcome
    report = patch(
        out,
        result.files,
        owners,
        sealed,
        index,
        fingerprint,
        old,
        inputs_unchanged=reads.unchanged,
        preserved=NOT_COMPILED,
    )
    if report is None:
        return None
    outcome.report = report
    outcome.patched = tuple(sorted(owners))
    outcome.replaced = old
    return outcome


def _catalyst_resources(sealed: Seal, old: Manifest, result: CompileResult) -> list[str]:
    """Every Organization's catalyst-config resource after this compile: the sealed
    ones of carried owners plus the re-planned owners' new ones."""
    prefix = f"{CATALYST_CONFIG}/"
    index_file = f"{prefix}kustomization.yaml"
    keep = [p for p in sealed.files(prefix) if p not in old.files and p != index_file]
    keep.extend(f.path for f in result.files if f.path.startswith(prefix))
    return [p[len(prefix) :] for p in keep]
