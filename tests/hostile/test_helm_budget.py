"""Helm under a budget: hostile charts in lint and compile end in one finding at the
chart, within a few seconds, never a traceback, a hang or a dead process.

Each case plants one hostile thing in the reference workspace's `bp-webapp` chart
(it vendors a subchart, so Helm's dependency check runs too) and runs the real CLI
through `harness.run_cli`. The workspace keeps every byte (`out/` aside).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.harness import CliRun, assert_clean_failure, run_cli, snapshot

CHART = "blueprints/webapp/chart"
BUDGET_SECONDS = 3
# Well under the harness timeout: start-up, one budget, the kill, the report.
WALL_SECONDS = 30.0
LOOP = "{{- range until 100000000 }}{{ end }}\n"
REPEAT = 'big: {{ repeat 500000000 "x" }}\n'


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def plant(workspace: Path) -> None:
        with open(workspace / rel, "a", encoding="utf-8") as handle:
            handle.write(text)

    return plant


def _fifo(rel: str) -> Callable[[Path], None]:
    return lambda workspace: os.mkfifo(workspace / rel)


def _dev_zero(rel: str) -> Callable[[Path], None]:
    return lambda workspace: (workspace / rel).symlink_to("/dev/zero")


def _big_template(workspace: Path) -> None:
    with open(workspace / CHART / "templates/big.yaml", "w", encoding="utf-8") as handle:
        handle.write("# " + "x" * (6 << 20) + "\n")


def _template(name: str, text: str) -> Callable[[Path], None]:
    return lambda workspace: (workspace / CHART / "templates" / name).write_text(text)


def _with_budget(workspace: Path, seconds: int = BUDGET_SECONDS) -> None:
    """A budget of a few seconds (blueprintc.yaml `helm:`), so the suite stays quick."""
    _append("blueprintc.yaml", f"helm:\n  timeoutSeconds: {seconds}\n")(workspace)


# (plant, rule, file, line) of the one finding lint must report
LINT_CASES = {
    "nan-value": (_append(f"{CHART}/values.yaml", "ratio: .nan\n"), "BPI012", "values.yaml"),
    "null-key": (_append(f"{CHART}/values.yaml", "null: 1\n"), "BPI012", "values.yaml"),
    "fifo-in-templates": (_fifo(f"{CHART}/templates/pipe.yaml"), "BPI007", "templates/pipe.yaml"),
    "dev-zero-in-templates": (
        _dev_zero(f"{CHART}/templates/zero.yaml"),
        "BPI006",
        "templates/zero.yaml",
    ),
    "six-mb-template": (_big_template, "BPI004", "templates/big.yaml"),
    "fifo-in-chart": (_fifo(f"{CHART}/pipe"), "BPI007", "pipe"),
    "until-100000000": (_template("loop.yaml", LOOP), "BPI011", "Chart.yaml"),
    "repeat-500000000": (_template("repeat.yaml", REPEAT), "BPI011", "Chart.yaml"),
}


def _lint(workspace: Path) -> tuple[CliRun, float]:
    start = time.monotonic()
    run = run_cli("lint", "--format", "json", "blueprints/webapp", cwd=workspace)
    return run, time.monotonic() - start


@pytest.mark.parametrize("case", sorted(LINT_CASES))
def test_lint_reports_a_hostile_chart_once_at_its_file(workspace: Path, case: str) -> None:
    plant, rule, file = LINT_CASES[case]
    _with_budget(workspace)
    plant(workspace)
    before = snapshot(workspace)
    run, seconds = _lint(workspace)
    assert_clean_failure(run)
    assert run.code == 1, str(run)
    assert seconds < WALL_SECONDS, f"{case}: {seconds:.1f} s\n{run}"
    found = [d for d in json.loads(run.stdout)["diagnostics"] if not d["suppressed"]]
    assert [(d["rule"], d["file"]) for d in found] == [(rule, f"{CHART}/{file}")], str(run)
    assert found[0]["hint"], "a finding says how to fix it"
    assert snapshot(workspace) == before


def test_the_default_budget_stops_a_loop_without_configuration(workspace: Path) -> None:
    """No `helm:` in blueprintc.yaml: the default budget (10 s) still ends the run."""
    _template("loop.yaml", "{{- range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n")(
        workspace
    )
    run, seconds = _lint(workspace)
    assert_clean_failure(run, "BPI011", "10 s time budget", f"{CHART}/Chart.yaml")
    assert seconds < WALL_SECONDS, f"{seconds:.1f} s"


def test_a_budget_that_is_not_a_number_is_a_config_error(workspace: Path) -> None:
    _append("blueprintc.yaml", "helm:\n  timeoutSeconds: soon\n")(workspace)
    run, _ = _lint(workspace)
    assert_clean_failure(run, "BPI009", "helm.timeoutSeconds")


# The memory case must meet the memory budget, not the clock: on a loaded machine the
# worker's start and the 500 MB allocation can take longer than BUDGET_SECONDS.
MEMORY_CASE_SECONDS = 20

COMPILE_CASES = {
    # `until` builds a 100,000,000-int list: past the time or the memory budget first
    "until-100000000": (_template("loop.yaml", LOOP), f"budget on the chart {CHART}"),
    "repeat-500000000": (_template("repeat.yaml", REPEAT), f"memory budget on the chart {CHART}"),
    "nan-value": (_append(f"{CHART}/values.yaml", "ratio: .nan\n"), "NaN"),
    "fifo-in-chart": (_fifo(f"{CHART}/pipe"), "irregular file"),
}


@pytest.mark.parametrize("case", sorted(COMPILE_CASES))
def test_compile_render_check_reports_a_hostile_chart(workspace: Path, case: str) -> None:
    """Every Application of bp-webapp is reported as not rendering (BPP016), naming why;
    Helm pays the budget once for the chart, not once per Application."""
    plant, why = COMPILE_CASES[case]
    _with_budget(workspace, MEMORY_CASE_SECONDS if "memory" in why else BUDGET_SECONDS)
    plant(workspace)
    before = snapshot(workspace, skip=("out",))
    start = time.monotonic()
    run = run_cli("compile", cwd=workspace)
    seconds = time.monotonic() - start
    assert_clean_failure(run, "BPP016", why)
    if "budget" in why:
        assert "helm.timeoutSeconds" in run.output, "the fix: bound the loop or raise the budget"
    assert seconds < WALL_SECONDS, f"{case}: {seconds:.1f} s\n{run}"
    assert snapshot(workspace, skip=("out",)) == before
