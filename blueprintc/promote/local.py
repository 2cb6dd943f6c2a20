"""A promotion in the workspace: move one lock entry, recompile, plan the difference.

The lock is written atomically and out/ recompiled through compile's own path: the
promoted Organization's inputs digest changed with its entry, so only it is
re-planned (the sealed and partial paths take care of the rest). The branch's files
before and after are read from out/'s manifest, and the plan says what the pull
request changes. A recompile that fails puts the old lock text back: the workspace
is left as it was, and the findings say why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from blueprintc.blueprint_names import lookup, same
from blueprintc.compile.inputfiles import LOCK_FILE
from blueprintc.compile.inputs import Inputs
from blueprintc.diagnostics import Diagnostic
from blueprintc.promote import lock as lockfile
from blueprintc.promote.lock import LockEntry
from blueprintc.promote.plan import PromotionPlan, plan_promotion, where_in
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

    @property
    def branch(self) -> str:
        return self.request.env.branch


def promote_locally(
    root: Path, out: Path | None, inputs: Inputs, request: Request, entry: LockEntry
) -> LocalPromotion:
    """Write `entry` for `request` into the lock and recompile (see the module doc)."""
    from blueprintc.compile.run import run_compile

    lock = inputs.lock
    assert lock is not None
    first = run_compile(root, out)
    if first.failing:
        raise CompileFailed(
            "the workspace does not compile as it is: fix it first", list(first.failing)
        )
    target = root / first.out_rel
    before = branch_files(target, request)
    old = lock.entries.get(request.key)
    lock_path = root / LOCK_FILE
    previous_text = lock_path.read_bytes()
    written = lockfile.write(root, {**lock.entries, request.key: entry})
    outcome = run_compile(root, out)
    if outcome.failing:
        if written:
            lock_path.write_bytes(previous_text)
        raise CompileFailed(
            f"{request.name} {request.env.env_type} does not compile with the promoted entry "
            f"({entry.blueprint} {entry.version}); {LOCK_FILE} was left as it was",
            list(outcome.failing),
        )
    after = branch_files(target, request)
    merged = None
    if outcome.result is not None:
        planned = outcome.result.apps.get(f"{request.name}/{request.env.env_type}")
        merged = planned.values if planned is not None else None
    where = where_in({request.app.name: merged}) if merged is not None else None
    plan = plan_promotion(before, after, dependents(inputs, request), where)
    if plan.version_from is None and old is not None:
        plan = replace(plan, version_from=old.version)
    return LocalPromotion(request, old, entry, before, after, plan, written)


def branch_files(out: Path, request: Request) -> dict[str, bytes]:
    """The files of the request's branch in the compiled `out` (repository paths)."""
    from blueprintc.build.envtree import compiled_branch
    from blueprintc.build.errors import BuildError

    prefix = f"repos/{request.org.slug}/{request.app.name}/{request.env.branch}/"
    try:
        return compiled_branch(out, prefix, "promote again")
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
