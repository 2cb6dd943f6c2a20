"""A promotion in the workspace: move one lock entry, recompile, plan the difference.

The lock is written atomically and out/ recompiled through compile's own path: the
promoted Organization's inputs digest changed with its entry, so only it is
re-planned (the sealed and partial paths take care of the rest). The branch's files
before and after are read from out/'s manifest, and the plan says what the pull
request changes. A recompile that fails puts the old lock text back: the workspace
is left as it was, and the findings say why. So does a proposal that fails
(`withdraw`): a lock entry moves only with the pull request that proposes it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from blueprintc.blueprint_names import lookup, same
from blueprintc.compile.inputfiles import LOCK_FILE
from blueprintc.compile.inputs import Inputs
from blueprintc.diagnostics import Diagnostic
from blueprintc.emit.manifest import Manifest
from blueprintc.emit.model import EmitReport
from blueprintc.emit.seal import Seal
from blueprintc.promote import lock as lockfile
from blueprintc.promote.lock import LockEntry
from blueprintc.promote.plan import PromotionPlan, Where, plan_promotion, where_in
from blueprintc.promote.request import PromoteError, Request


class CompileFailed(PromoteError):
    """The recompile found errors: nothing was left changed."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class LocalPromotion:
    request: Request
    old: LockEntry | None
    new: LockEntry
    before: dict[str, bytes]  # the branch's files as compiled before (repository paths)
    after: dict[str, bytes]
    plan: PromotionPlan
    lock_written: bool
    rollback: bool = False  # the entry it ran before the current one, not the source's
    where: Where | None = field(default=None, compare=False, repr=False)  # who set a value

    @property
    def branch(self) -> str:
        return self.request.env.branch

    @property
    def heading(self) -> str:
        """The plan's heading: what moves into which Environment."""
        request = self.request
        if self.rollback:
            return f"{request.name}: roll back {request.env.env_type}"
        return f"{request.name}: {request.source.env_type} → {request.env.env_type}"

    def against(self, before: dict[str, bytes]) -> LocalPromotion:
        """This promotion planned from the branch's files `before` (as the server holds
        it): what its pull request changes when an earlier one is still unmerged, which
        out/ and the previous lock no longer say."""
        plan = plan_promotion(before, self.after, self.plan.dependents, self.where)
        return replace(self, before=before, plan=plan)


def promote_locally(
    root: Path,
    out: Path | None,
    inputs: Inputs,
    request: Request,
    entry: LockEntry,
    sealed: Seal | None = None,
) -> LocalPromotion:
    """Write `entry` for `request` into the lock and recompile (see the module doc).
    The plan compares the branch as out/ last held it with the branch recompiled.
    `sealed`: out/'s seal, if the caller loaded it (see `run_compile`)."""
    from blueprintc.compile.outdir import out_dir
    from blueprintc.compile.run import run_compile

    lock = inputs.lock
    assert lock is not None
    target = out_dir(inputs.workspace, out)
    prefix = branch_prefix(request)
    on_disk = _disk_files(target, prefix)
    old = lock.entries.get(request.key)
    lock_path = root / LOCK_FILE
    previous_text = lock_path.read_bytes()
    text = previous_text.decode("utf-8", "replace")
    written = lockfile.write_entry(root, lock, text, lock.entries, request.key, entry)
    outcome = run_compile(root, out, sealed=sealed)
    if outcome.failing:
        if written:
            lock_path.write_bytes(previous_text)
        raise CompileFailed(
            f"the workspace does not compile with {request.name} {request.env.env_type} at "
            f"{entry.blueprint} {entry.version} (the findings above say why); {LOCK_FILE} "
            "was left as it was",
            list(outcome.failing),
        )
    listed = outcome.replaced or outcome.previous
    before = _compiled(on_disk, prefix, listed)
    held = {p for p in listed.files if p.startswith(prefix)} if listed is not None else set()
    after = _recompiled(target, prefix, held, outcome.report)
    merged = None
    if outcome.result is not None:
        planned = outcome.result.apps.get(f"{request.name}/{request.env.env_type}")
        merged = planned.values if planned is not None else None
    where = where_in({request.app.name: merged}) if merged is not None else None
    plan = plan_promotion(before, after, dependents(inputs, request), where)
    if plan.version_from is None and old is not None:
        plan = replace(plan, version_from=old.version)
    return LocalPromotion(request, old, entry, before, after, plan, written, where=where)


@dataclass(frozen=True)
class LockBefore:
    """The lock as the run found it, to put back (`withdraw`)."""

    text: bytes
    entries: dict[lockfile.Key, LockEntry]

    @classmethod
    def read(cls, root: Path, inputs: Inputs) -> LockBefore:
        assert inputs.lock is not None
        return cls((root / LOCK_FILE).read_bytes(), dict(inputs.lock.entries))


def withdraw(root: Path, out: Path | None, before: LockBefore, kept: list[LocalPromotion]) -> None:
    """Put the lock back as it was, but for the promotions in `kept` (proposed already),
    and recompile out/ to match it: a promotion whose pull request could not be opened
    must not stay moved in the workspace, where a rerun would find nothing to promote
    and the next `deliver` would propose it without its gates."""
    from blueprintc.compile.run import run_compile
    from blueprintc.emit.fsutil import write_file

    if kept:
        lockfile.write(root, {**before.entries, **{d.request.key: d.new for d in kept}})
    else:
        write_file(root / LOCK_FILE, before.text, fsync=True, parents=False)
    outcome = run_compile(root, out)
    if outcome.failing:  # it compiled with this lock before the run: not expected
        raise CompileFailed(
            f"{LOCK_FILE} was put back, but out/ did not recompile: run blueprintc compile",
            list(outcome.failing),
        )


def branch_prefix(request: Request) -> str:
    return f"repos/{request.org.slug}/{request.app.name}/{request.env.branch}/"


def _disk_files(out: Path, prefix: str) -> dict[str, bytes]:
    """The regular files under `out`/`prefix` now, by their path in out/ (no link
    followed); which of them compile wrote is known once it has run."""
    from blueprintc.build.envtree import MAX_FILE_BYTES
    from blueprintc.emit.fsutil import read_file

    found: dict[str, bytes] = {}
    top = out / prefix
    for directory, _, files in os.walk(top):
        for name in files:
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(out).as_posix()] = read_file(
                    path, MAX_FILE_BYTES, anchor=out
                )
    return found


def _compiled(on_disk: dict[str, bytes], prefix: str, listed: Manifest | None) -> dict[str, bytes]:
    """Of the files read before the compile, those its manifest lists with their
    bytes as recorded (a hand-edited or stray file is not the branch), by branch path."""
    if listed is None:
        return {}
    before = {}
    for path, data in on_disk.items():
        entry = listed.files.get(path)
        if entry is not None and hashlib.sha256(data).hexdigest() == entry.sha256:
            before[path[len(prefix) :]] = data
    return before


def _recompiled(
    out: Path, prefix: str, held: set[str], report: EmitReport | None
) -> dict[str, bytes]:
    """The branch's files right after this process's compile wrote them: the ones the
    manifest listed (`held`), less the removed, plus the written (read back without a
    second pass over out/'s manifest, which at N = 1,000 lists 190,000 files)."""
    from blueprintc.build.envtree import MAX_FILE_BYTES
    from blueprintc.emit.fsutil import AnchoredReader

    paths = set(held)
    if report is not None:
        paths = (paths - set(report.removed)) | {p for p in report.written if p.startswith(prefix)}
    with AnchoredReader(out, MAX_FILE_BYTES) as files:
        return {p[len(prefix) :]: files.read(p) for p in sorted(paths)}


def branch_files(out: Path, request: Request) -> dict[str, bytes]:
    """The files of the request's branch in the compiled `out` (repository paths)."""
    from blueprintc.build.envtree import compiled_branch
    from blueprintc.build.errors import BuildError

    try:
        return compiled_branch(out, branch_prefix(request), "promote again")
    except BuildError as exc:
        raise PromoteError(str(exc)) from None


def dependents(inputs: Inputs, request: Request) -> list[str]:
    """The Applications of the Organization whose Blueprint depends on this one's."""
    found = []
    for other in request.org.applications:
        if other.name == request.app.name:
            continue
        entry: Any = lookup(inputs.catalog, other.blueprint)
        if entry is not None and any(
            same(dep.blueprint, request.app.blueprint) for dep in entry.blueprint.depends
        ):
            found.append(f"{request.org.slug}/{other.name} ({entry.name})")
    return sorted(found)
