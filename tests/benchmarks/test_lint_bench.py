"""`python -m benchmarks.lint` runs end to end on a small catalog and reports every
figure, the CPU seconds included (the targets are judged at 50 Blueprints)."""

from __future__ import annotations

import json

import pytest

from benchmarks.lint.__main__ import main


def test_runner_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--blueprints", "8", "--repeat", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["blueprints"] == 8 and report["helm_renders"] > 8
    timed = ("lint", "bare_renders", "lint_jobs_1", "bare_renders_jobs_1", "cold_cli")
    for key in (*timed, "bare_renders_at_worker_go_settings"):
        assert report[key]["median_s"] > 0, key
    assert report["ratio_lint_to_bare_at_worker_go_settings"] > 0
    cpu = report["cpu_s"]
    assert cpu["cores"] >= 1
    assert 0 < cpu["lint_helm_workers"] < cpu["lint"], "Helm renders in the workers"
    assert cpu["bare_renders"] > 0 and cpu["lint_floor_ratio"] > 0
    assert cpu["bare_renders_at_worker_go_settings"] > 0
    assert set(report["checks"]) == {
        "lint_under_target",
        "cold_cli_under_target",
        "ratio_at_most_2x",
    }
