"""Plan Organizations in forked worker processes: a full compile on every core.

Organizations are independent once the shared inputs (Sovereign, catalog, kit) are
loaded, so the planner loads those, then forks `jobs` workers that inherit them (a
fork shares the loaded inputs and parsed charts page by page: nothing is read or
parsed twice). Each worker plans a run of consecutive Organizations and, for each,
does everything the parent would later do with its files: counts and (if asked)
schema-checks their objects, walks its clusters' references, and serialises the
files. It sends back bytes, findings and kinds, not documents: bytes are a tenth of
the documents' memory and unpickle in no time, so the parent never holds the
planned objects of 1,000 Organizations (the single-process compile's peak RSS).

The parent takes the runs back in order (`Pool.imap`), so files, diagnostics and
kinds come in exactly the order of a single-process plan, and out/ is byte for byte
the same whatever the worker count (tests/compile/test_workers.py).

Why a `multiprocessing` fork Pool: it forks every worker before it starts its own
threads (a fork of a threaded process may inherit a held lock), and the workers
need the parent's loaded state, which a spawned process would have to rebuild.
Helm workers are per process: a forked child starts its own on its first render
(`helm_pool`), and renders already cached in the parent are not repeated.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blueprintc import progress
from blueprintc.compile.outcome import FileChecker, part_references, reference_part
from blueprintc.compile.reads import ReadsDelta
from blueprintc.diagnostics import Diagnostic
from blueprintc.emit.model import OutputFile
from blueprintc.emit.reconcile import serialise

if TYPE_CHECKING:
    from blueprintc.compile.planner import CompileResult
    from blueprintc.compile.render_check import RenderCache
    from blueprintc.model.organization import Organization
    from blueprintc.validate.references import Unresolved

# Organizations per task: small enough to balance the workers' load, large enough
# that a task's round trip is nothing next to planning it.
RUN_LENGTH = 8


@dataclass
class PlannedFile:
    path: str
    inputs: str
    owner: str
    data: bytes
    kinds: list[str]
    findings: list[Diagnostic]


@dataclass
class PlannedOrganization:
    """What a worker found planning one Organization (see the module docstring)."""

    slug: str
    files: list[PlannedFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    input_diagnostics: list[Diagnostic] = field(default_factory=list)
    references: list[Unresolved] = field(default_factory=list)
    renders: int = 0
    reads: ReadsDelta = field(default_factory=lambda: ([], []))


@dataclass
class _Job:
    """The parent's state, inherited by the forked workers (never pickled)."""

    result: CompileResult
    organizations: list[Organization]
    cache: RenderCache
    checker: FileChecker
    shared_paths: set[str]


_JOB: _Job | None = None


def plan_in_workers(
    result: CompileResult,
    organizations: list[Organization],
    cache: RenderCache,
    jobs: int,
    validate: bool,
) -> None:
    """Plan `organizations` (in this order) into `result`, as `plan_organization` would
    one after the other, in `jobs` forked processes."""
    global _JOB
    shared = {f.path for f in result.files if reference_part(f.owner) == ""}
    _JOB = _Job(result, organizations, cache, FileChecker(result, validate), shared)
    runs = [
        (start, min(start + RUN_LENGTH, len(organizations)))
        for start in range(0, len(organizations), RUN_LENGTH)
    ]
    try:
        context = multiprocessing.get_context("fork")
        with (
            progress.phase("plan Organizations", len(organizations)) as step,
            context.Pool(min(jobs, len(runs)), initializer=_stop_helm_workers_on_exit) as pool,
        ):
            for planned in pool.imap(_plan_run, runs):
                for organization in planned:
                    step()
                    _merge(result, organization)
            pool.close()  # not ended by the `with` (SIGTERM): they stop their Helm workers
            pool.join()
    finally:
        _JOB = None


def _stop_helm_workers_on_exit() -> None:
    """In a pool worker, which leaves through multiprocessing's finalizers and never runs
    `atexit`: stop the Helm workers it started, removing their temporary directories
    (left behind, two per `compile --jobs 2`, until a later sweep: `scratch`)."""
    from multiprocessing import util

    from blueprintc import helm_pool

    util.Finalize(None, helm_pool.POOL.close, exitpriority=0)


def _merge(result: CompileResult, planned: PlannedOrganization) -> None:
    result.diagnostics.extend(planned.diagnostics)
    result.inputs.diagnostics.extend(planned.input_diagnostics)
    result.inputs.reads.merge(planned.reads)
    result.renders += planned.renders
    if planned.references:
        result.references[planned.slug] = planned.references
    for file in planned.files:
        result.files.append(OutputFile(file.path, (), file.inputs, file.owner, data=file.data))
        result.checked[file.path] = (file.kinds, file.findings)


def _plan_run(run: tuple[int, int]) -> list[PlannedOrganization]:
    assert _JOB is not None, "a compile worker runs only in a fork of plan_in_workers"
    return [_plan_one(_JOB, org) for org in _JOB.organizations[run[0] : run[1]]]


def _plan_one(job: _Job, org: Organization) -> PlannedOrganization:
    from blueprintc.compile.planner import CompileResult, plan_organization

    inputs = job.result.inputs
    scratch = CompileResult(inputs)
    known = len(inputs.diagnostics)
    renders = job.cache.renders
    mark = inputs.reads.mark()
    plan_organization(scratch, org, job.cache)
    planned = PlannedOrganization(
        org.slug,
        diagnostics=scratch.diagnostics,
        input_diagnostics=inputs.diagnostics[known:],
        renders=job.cache.renders - renders,
        reads=inputs.reads.since(mark),
    )
    del inputs.diagnostics[known:]  # reported once, by the parent
    for file in scratch.files:
        kinds, findings = job.checker.check(file)
        planned.files.append(
            PlannedFile(file.path, file.inputs, file.owner, serialise(file), kinds, findings)
        )
    planned.references = _references(job, scratch.files)
    return planned


def _references(job: _Job, files: list[OutputFile]) -> list[Unresolved]:
    """The Organization's unresolved references, found as the parent finds them
    (`outcome._unresolved`): over its own files, with the Sovereign-wide paths."""
    if not job.checker.validate:
        return []
    fresh = {f.path: f.documents for f in files}
    return part_references(job.result, fresh, set(fresh), job.shared_paths)
