"""Compile end to end: plan, validate what would be emitted, emit (or check, or diff)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc.collector import collector_paused
from blueprintc.compile.inputfiles import fingerprint, sovereign_name, validation_context
from blueprintc.compile.outcome import CompileOutcome, outcome_of
from blueprintc.compile.outdir import NOT_COMPILED, checked_out_dir, out_dir
from blueprintc.compile.reads import InputReads, new_reads
from blueprintc.emit.model import EmitReport
from blueprintc.emit.seal import Seal
from blueprintc.helm_pool import POOL
from blueprintc.workspace import Workspace, load_workspace

if TYPE_CHECKING:
    from blueprintc.compile.shard import Shard
    from blueprintc.plan.values import Origin

# The planner, the emitter and what they import (the rules, jsonschema, the Helm pool)
# are imported where a compile needs them: a sealed compile with nothing to do pays
# for reading its inputs and the seal, not for loading them (issue 11 start-up).

__all__ = ["NOT_COMPILED", "explain_value", "out_dir", "plan", "run_compile", "run_diff"]


def plan(
    root: Path | Workspace,
    validate: bool = True,
    out: Path | None = None,
    reads: InputReads | None = None,
    shard: Shard | None = None,
    jobs: int = 1,
) -> CompileOutcome:
    """Plan (incrementally against `out`'s manifest when given) and validate new objects;
    `reads`: those of the fingerprint taken for this compile; `shard`: only its part;
    `jobs`: processes to plan Organizations in (`blueprintc.compile.workers`)."""
    from blueprintc.compile.planner import compile_workspace
    from blueprintc.emit.manifest import Manifest

    previous = Manifest.load(out) if out is not None and out.is_dir() else None
    result = compile_workspace(
        root, previous, reads=reads, shard=shard, jobs=jobs, validate=validate
    )
    outcome = outcome_of(result, validate)
    outcome.previous = previous
    return outcome


@collector_paused()
def run_compile(
    root: Path,
    out: Path | None = None,
    check: bool = False,
    validate: bool = True,
    trust_stat: bool = True,
    force_prune: bool = False,
    shard: Shard | None = None,
    kubernetes_version: str | None = None,
    schema_locations: tuple[Path, ...] = (),
    jobs: int = 1,
    sealed: Seal | None = None,
) -> CompileOutcome:
    """Compile `root` into `out` (or check it); with `shard`, only that shard's part
    (its sealed tree holds for that shard alone; no partial re-plan). Every input is read once: the
    fingerprint's reads are the bytes planned, and a seal is written only if every
    file read is still unwritten when the tree is done (`InputReads.unchanged`).
    ``force_prune`` also prunes files in out/ that blueprintc did not write (so the
    sealed and partial shortcuts, which never look for them, are skipped).
    ``sealed``: out/'s seal as the caller loaded it (its stat sweep perhaps started
    ahead, `Seal.sweep_ahead`); by default it is loaded here, and its sweep starts
    before the inputs are read."""
    workspace = load_workspace(root)
    if kubernetes_version is not None:  # --kube-version over blueprintc.yaml's
        workspace.kubernetes_version = kubernetes_version
    workspace.schema_locations += schema_locations  # --schema-location after the file's
    target = checked_out_dir(workspace, out)  # before anything in it is read
    if not trust_stat or force_prune:  # no shortcut trusts the seal
        if sealed is not None:
            sealed.cancel_sweep()
        sealed = None
    elif sealed is None:
        sealed = Seal.load(target)
    if sealed is not None:
        sealed.sweep_ahead(target)  # the shortcuts ask for it once the inputs are read
    reads = new_reads(workspace)
    inputs_digest = fingerprint(workspace, reads)
    checks = validation_context(workspace)  # validated against other schemas: not this seal
    if checks:
        inputs_digest = f"{inputs_digest} {checks}"
    if shard is not None:  # a tree sealed for another share of the work is not this one
        inputs_digest = f"{inputs_digest} shard {shard}"
    if sealed is not None:
        try:
            shortcut = _shortcut(
                workspace, target, sealed, inputs_digest, reads, check, validate, shard is None
            )
        finally:
            sealed.cancel_sweep()  # if no shortcut asked for it: a full compile never does
        if shortcut is not None:
            shortcut.out_rel = _rel(target, root)
            return shortcut
    POOL.warm(1)
    outcome = plan(workspace, validate, target, reads, shard, jobs)
    outcome.out_rel = _rel(target, root)
    if outcome.failing:
        return outcome
    from blueprintc.emit import emit

    outcome.report = emit(
        outcome.files,
        target,
        check=check,
        preserve=NOT_COMPILED,
        trust_stat=trust_stat,
        previous=outcome.previous,
        fingerprint=inputs_digest,
        inputs_unchanged=reads.unchanged,
        force_prune=force_prune,
    )
    return outcome


def _shortcut(
    workspace: Workspace,
    target: Path,
    sealed: Seal,
    inputs_digest: str,
    reads: InputReads,
    check: bool,
    validate: bool,
    whole: bool,
) -> CompileOutcome | None:
    """The compile when the seal spares most of it: nothing to do (sealed for these
    inputs), or only the changed owners to patch in (`compile_changed_owners`);
    None when a full compile must run. `whole`: not a shard (a shard is never patched)."""
    if sealed.holds(target, inputs_digest, NOT_COMPILED):
        files = sealed.files()
        outcome = CompileOutcome(None, sealed=len(files))
        outcome.workspace_name = sovereign_name(workspace, reads)
        outcome.report = EmitReport(unchanged=tuple(files), strategy="check" if check else "noop")
        return outcome
    if check or not whole:
        return None
    POOL.warm(1)  # renders come: its start-up overlaps loading the planner
    from blueprintc.compile.partial import compile_changed_owners

    return compile_changed_owners(workspace, target, sealed, inputs_digest, validate, reads)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@collector_paused()
def run_diff(
    root: Path, out: Path | None = None, force_prune: bool = False
) -> tuple[CompileOutcome, str]:
    """What a compile would change in out/, as compile finds it: nothing to plan when
    out/ is sealed for these inputs; else only the owners whose inputs changed are
    planned (the others are carried from out/'s manifest), and files whose stat is
    the seal's are not read."""
    workspace = load_workspace(root)
    target = checked_out_dir(workspace, out)
    reads = new_reads(workspace)
    sealed = None if force_prune else Seal.load(target)
    if sealed is not None and sealed.holds(target, fingerprint(workspace, reads), NOT_COMPILED):
        return CompileOutcome(None, sealed=len(sealed.files()), out_rel=_rel(target, root)), ""
    POOL.warm(1)
    outcome = plan(workspace, validate=False, out=target, reads=reads)
    if outcome.failing:
        return outcome, ""
    from blueprintc.emit import diff

    text = diff(
        outcome.files,
        target,
        preserve=NOT_COMPILED,
        force_prune=force_prune,
        previous=outcome.previous,
    )
    return outcome, text


def explain_value(root: Path, target: str, key: str) -> list[str]:
    """The value of `key` for `<org>/<app>/<env>`, where it was set, and what it overrode
    (a mapping: the merged value, then what each layer gave of it)."""
    found = value_origins(root, target, key)
    merging = isinstance(found.value, Mapping)
    lines = [f"{key} = {found.value!r}"]
    for index, origin in enumerate(found.origins):
        where = f"{origin.source}:{origin.line}:{origin.column}"
        given = f": {origin.value!r}" if merging else ""
        if index == 0:
            lines.append(f"  set by {origin.layer} at {where}{given}")
        elif merging and isinstance(origin.value, Mapping):
            lines.append(f"  merged over {origin.value!r} from {origin.layer} at {where}")
        else:
            lines.append(f"  overrides {origin.value!r} from {origin.layer} at {where}")
    return lines


@dataclass(frozen=True)
class ValueOrigins:
    value: Any  # what the Application gets at the key: every layer merged
    origins: list[Origin]  # each layer's say, latest first


def value_origins(root: Path, target: str, key: str) -> ValueOrigins:
    """The value of `key` of `<org>/<app>/<env>` and where it was set, latest layer
    first (LookupError with the reason when there is no such Application or value)."""
    from blueprintc.compile.planner import compile_workspace
    from blueprintc.mapping import value_at
    from blueprintc.plan.values import KeySyntaxError, format_key, parse_key

    try:
        path = parse_key(key)
    except KeySyntaxError as exc:
        raise LookupError(f"bad key: {exc}") from None
    result = compile_workspace(root)
    plan = result.apps.get(target)
    if plan is None or plan.values is None:
        known = ", ".join(sorted(result.apps)) or "none"
        raise LookupError(f"no Application {target!r} (known: {known})")
    origins = plan.values.explain(path)
    if not origins:
        raise LookupError(f"{target} has no value at {key!r}")
    if origins[0].key != format_key(path):  # a scalar, list or null above the key
        top = origins[0]
        raise LookupError(
            f"{target} has no value at {key!r}: {top.key} is {top.value!r} "
            f"({top.layer} at {top.source}:{top.line}:{top.column})"
        )
    return ValueOrigins(value_at(plan.values.value, path), list(origins))
