"""`lint --format github` in an Actions step (issue 10 point 9): one group, a step
summary in $GITHUB_STEP_SUMMARY, and a notice when findings pass GitHub's cap of 10
error and 10 warning annotations per step. The real CLI in a fresh process."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import SECRET_VALUES, write_workspace
from tests.hostile.harness import run_cli


def test_a_report_over_the_cap_is_grouped_summarised_and_says_so(tmp_path: Path) -> None:
    names = [f"leaky{i:02d}" for i in range(11)]  # one BPG007 error each
    workspace = write_workspace(tmp_path / "ws", dict.fromkeys(names, SECRET_VALUES))
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    run = run_cli(
        "lint", "--format", "github", cwd=workspace, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert run.code == 1, run
    lines = run.stdout.splitlines()
    assert lines[0] == "::group::blueprintc lint: 11 Blueprint(s), 11 error(s), 0 warning(s)"
    assert lines[-1] == "::endgroup::"
    assert lines[1].startswith("::notice title=blueprintc annotations capped::11 errors: ")
    assert "--format sarif" in lines[1] and "--format json" in lines[1]
    assert sum(line.startswith("::error file=") for line in lines) == 11
    text = summary.read_text()
    assert text.startswith("earlier step\n### blueprintc lint: 11 Blueprint(s), 11 error(s)")
    assert "> 11 errors: GitHub shows only the first 10" in text
    assert "| error | BPG007 | `blueprints/leaky10/chart/values.yaml:3` |" in text


def test_a_report_under_the_cap_has_no_notice(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", {"leaky": SECRET_VALUES})
    run = run_cli("lint", "--format", "github", cwd=workspace)
    assert "::notice" not in run.stdout, run
    assert run.stdout.splitlines()[0].startswith("::group::"), run


def test_an_unwritable_summary_is_one_line_and_exit_2(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", {"clean": "replicas: 1\n"})
    missing = tmp_path / "no-such-dir" / "summary.md"
    run = run_cli(
        "lint", "--format", "github", cwd=workspace, env={"GITHUB_STEP_SUMMARY": str(missing)}
    )
    assert run.code == 2, run
    assert run.stderr == (
        f"error: cannot write the step summary to {missing} ($GITHUB_STEP_SUMMARY): "
        "No such file or directory; unset it or make the file writable\n"
    ), run
