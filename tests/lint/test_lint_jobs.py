"""Blueprints linted inside the Helm workers (`blueprintc.lint_jobs`) report exactly
what lint in this process's threads reports: over every rule's fixture workspaces, the
reference catalog and the findings catalog, with no job handed back to this process;
and a chart over Helm's budget, which ends the worker, is linted again here and
reported as BPI011 as before."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from blueprintc import lint_jobs
from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from blueprintc.workspace import load_workspace
from tests.compile.helpers import copy_workspace
from tests.hostile.test_helm_budget import LINT_CASES

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "rules" / "cases"
CHART = "blueprints/webapp/chart"


def _lint_cases() -> list[Path]:
    """Every rule fixture that `lint` checks (plan, compile-output and git-history
    rules have other drivers; BPI011's chart ends its worker, the test below)."""
    found = []
    for case in sorted(CASES.glob("*/*")):
        if case.parent.name.startswith(("BPC", "BPP", "BPI011")) or (case / "base").is_dir():
            continue
        if case.is_dir() and (case / "blueprintc.yaml").is_file():
            found.append(case)
    return found


@pytest.fixture
def no_handing_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every job must come back from its worker: lint_in_workers may not fall back."""
    real = lint_jobs.lint_in_workers

    def strict(
        dirs: list[Path],
        session: lint_jobs.Session,
        jobs: int,
        classic: Callable[[Path], list[Diagnostic]],
    ) -> list[list[Diagnostic]]:
        def refuse(directory: Path) -> list[Diagnostic]:
            raise AssertionError(f"the job for {directory} came back from its worker failed")

        return real(dirs, session, jobs, refuse)

    monkeypatch.setattr(lint_jobs, "lint_in_workers", strict)


def _both_ways(
    workspace: Path, path: Path | None = None
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    paths = [path or workspace]
    threads = lint(paths, root=workspace, jobs=2, in_workers=False)
    workers = lint(paths, root=workspace, jobs=2, in_workers=True)
    assert workers.blueprints == threads.blueprints
    return threads.diagnostics, workers.diagnostics


@pytest.mark.parametrize("case", _lint_cases(), ids=lambda c: f"{c.parent.name}-{c.name}")
@pytest.mark.usefixtures("no_handing_back")
def test_a_rule_fixture_reports_the_same_in_the_workers(case: Path) -> None:
    threads, workers = _both_ways(case)
    assert workers == threads


@pytest.mark.usefixtures("no_handing_back")
def test_the_reference_and_findings_catalogs_report_the_same_in_the_workers() -> None:
    assert _both_ways(REPO, REPO / "blueprints") == ([], [])
    threads, workers = _both_ways(REPO / "tests" / "fixtures" / "catalog-with-findings")
    assert threads, "the findings catalog must have findings"
    assert workers == threads


def test_a_session_survives_pickling_with_values_files() -> None:
    workspace = load_workspace(REPO)
    session = lint_jobs.Session(workspace, ("BPG012",), True, (("v.yaml", {"a": [1, None]}),))
    assert pickle.loads(pickle.dumps(session)) == session


# 400 million steps in small lists: a loop over time, not memory (one list of 10^8 is).
LOOP = "{{- range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}\n"
REPEAT = 'big: {{ repeat 500000000 "x" }}\n'


# The memory case has time enough that only its memory budget can end it: at 3 s, a busy
# machine ran out of time first in one of the two ways, and the two reports differed.
@pytest.mark.parametrize(
    ("template", "seconds", "budget"),
    [(LOOP, 3, "3 s time budget"), (REPEAT, 60, "1,024 MiB memory budget")],
    ids=["time", "memory"],
)
def test_a_chart_over_its_budget_ends_its_worker_and_is_reported_here(
    tmp_path: Path, template: str, seconds: int, budget: str
) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    with open(workspace / "blueprintc.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"helm:\n  timeoutSeconds: {seconds}\n")
    (workspace / CHART / "templates" / "hostile.yaml").write_text(template)
    threads, workers = _both_ways(workspace)
    assert [(d.rule, d.location.file) for d in threads] == [("BPI011", f"{CHART}/Chart.yaml")]
    assert budget in threads[0].message
    assert workers == threads
    # The workers lint again afterwards (a killed one is replaced).
    (workspace / CHART / "templates" / "hostile.yaml").unlink()
    assert _both_ways(workspace) == ([], [])


# `range until 100000000` builds an 800 MB list, then walks it: under the default 1 GiB
# it runs out of time or of memory, whichever comes first on a loaded machine (both are
# BPI011, worded apart). A budget the list cannot fit makes it memory, every time, on
# both paths: what the test compares is the paths, not that race.
DECIDED_BUDGET = {"until-100000000": "  memoryMiB: 256\n"}


@pytest.mark.parametrize("case", sorted(LINT_CASES))
def test_a_hostile_input_reports_the_same_in_the_workers(tmp_path: Path, case: str) -> None:
    """The hostile-input suite's plants (a FIFO, a link to /dev/zero, a NaN value, a
    6 MB template, Helm over its budget...) in the reference workspace."""
    workspace = copy_workspace(tmp_path / "ws")
    with open(workspace / "blueprintc.yaml", "a", encoding="utf-8") as handle:
        handle.write("helm:\n  timeoutSeconds: 3\n" + DECIDED_BUDGET.get(case, ""))
    plant, rule, _ = LINT_CASES[case]
    plant(workspace)
    threads, workers = _both_ways(workspace, workspace / "blueprints")
    assert rule in {d.rule for d in threads}
    assert workers == threads
    if case in DECIDED_BUDGET:
        assert "256 MiB memory budget" in threads[0].message


def test_a_finished_job_closes_the_charts_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lint job's charts are loaded under ids no later job uses, so a worker holding
    them kept up to 64 charts of finished jobs in Go's heap (9 MiB more RSS per worker
    after a 50-Blueprint lint). The job closes them when it ends."""
    from blueprintc import helm_pool, helm_worker

    monkeypatch.setattr(helm_pool.POOL, "workers", [])  # this process plays the worker
    monkeypatch.setattr(helm_pool.POOL, "size", helm_pool.POOL.size)
    loaded: list[int] = []
    keep = helm_worker.Worker._keep

    def counting(self: helm_worker.Worker, chart_id: int, chart: object) -> None:
        loaded.append(chart_id)
        keep(self, chart_id, chart)

    monkeypatch.setattr(helm_worker.Worker, "_keep", counting)
    session = lint_jobs.Session(load_workspace(REPO), ("BPG003", "BPG012"), True, ())
    blob = pickle.dumps(session)
    header = {"op": "lint", "session": "s", "dir": str(REPO / "blueprints" / "webapp")}

    answer, _ = lint_jobs.run_job(helm_worker.Worker(), header, blob)

    assert answer == {"ok": True}
    [in_process] = helm_pool.POOL.workers
    assert loaded and not in_process.handler.charts
