"""`python -m benchmarks.lint` runs end to end on a small catalog and reports every
figure, the CPU seconds included (the targets are judged at 50 Blueprints)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmarks.lint.__main__ import main
from benchmarks.lint.generate import generate
from benchmarks.lint.gosettings import workers_at_go_defaults
from benchmarks.lint.replay import recording_renders
from blueprintc.helm import render_api_versions
from blueprintc.helm_pool import POOL
from blueprintc.lint import lint
from tests.processes import environ_of


def test_runner_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--blueprints", "8", "--repeat", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["blueprints"] == 8 and report["helm_renders"] > 8
    timed = ("lint", "bare_renders", "lint_jobs_1", "bare_renders_jobs_1", "cold_cli")
    at_go = ("lint_workers_at_go_defaults", "bare_renders_beside_it")
    for key in (*timed, *at_go, "bare_renders_at_worker_go_settings"):
        assert report[key]["median_s"] > 0, key
    assert report["ratio_lint_to_bare_at_worker_go_settings"] > 0
    assert report["ratio_lint_to_bare_at_go_defaults"] > 0
    cpu = report["cpu_s"]
    assert cpu["cores"] >= 1
    assert 0 < cpu["lint_helm_workers"] < cpu["lint"], "Helm renders in the workers"
    assert cpu["bare_renders"] > 0 and cpu["lint_floor_ratio"] > 0
    assert cpu["bare_renders_at_worker_go_settings"] > 0
    assert 0 < cpu["lint_helm_workers"] < cpu["lint_workers_at_go_defaults"]
    assert set(report["checks"]) == {
        "lint_under_target",
        "cold_cli_under_target",
        "ratio_at_most_2x",
        "ratio_at_go_defaults_at_most_2x",
    }


def _go_settings_of_the_workers() -> set[tuple[str | None, str | None]]:
    found = set()
    for worker in POOL.workers:
        if worker.process is not None:
            environ = environ_of(worker.process.popen.pid)
            found.add((environ.get("GOGC"), environ.get("GOMEMLIMIT")))
    return found


def test_lint_at_go_defaults_runs_its_workers_at_go_defaults_then_as_shipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.delenv("GOMEMLIMIT", raising=False)
    workspace = tmp_path / "workspace"
    generate(workspace, 2)
    try:
        with workers_at_go_defaults():
            lint([workspace], root=workspace, jobs=2)
            assert _go_settings_of_the_workers() == {("100", "off")}
        assert "GOGC" not in os.environ and "GOMEMLIMIT" not in os.environ
        lint([workspace], root=workspace, jobs=2)
        ((gogc, limit),) = _go_settings_of_the_workers()
        assert gogc == "400" and limit is not None and limit != "off"
    finally:
        POOL.close()


def test_the_bare_renders_give_helm_the_apis_lint_gives_it(tmp_path: Path) -> None:
    """The baseline renders what Helm rendered for lint: with the Kubernetes version's own
    APIs (`helm.render_api_versions`), and the monitoring API where BPG006 adds it."""
    workspace = tmp_path / "ws"
    generate(workspace, 2)
    with recording_renders() as recording:
        lint([workspace], root=workspace, jobs=1, in_workers=False)
    sent = [apis for job in recording.plan() for apis in job.api_versions]
    served = render_api_versions("1.32.0", ())
    assert "policy/v1/PodDisruptionBudget" in served
    assert sent and all(apis[: len(served)] == served for apis in sent)
    assert any("monitoring.coreos.com/v1" in apis[len(served) :] for apis in sent)
