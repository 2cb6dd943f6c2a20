"""-q/--quiet and -v/--verbose on the group and on every command, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from blueprintc.cli import COMMANDS, cli
from tests.compile.helpers import copy_workspace
from tests.hostile.harness import run_cli

REPO = Path(__file__).resolve().parents[2]
FINDINGS = REPO / "tests/fixtures/catalog-with-findings"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_both(name: str) -> None:
    shown = CliRunner().invoke(cli, [name, "--help"]).output
    assert "-q, --quiet" in shown and "-v, --verbose" in shown, name


def test_both_at_once_is_a_usage_error(tmp_path: Path) -> None:
    for args in (["-q", "lint", "-v"], ["lint", "-q", "-v"], ["-v", "-q", "lint"]):
        run = run_cli(*args, cwd=tmp_path)
        assert run.code == 2 and "exclude each other" in run.stderr, run


def test_lint_quiet_prints_findings_only_and_verbose_says_what_it_did(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    for args in (["lint", "-q", "blueprints/webapp"], ["-q", "lint", "blueprints/webapp"]):
        clean = run_cli(*args, cwd=workspace)
        assert (clean.code, clean.stdout, clean.stderr) == (0, "", ""), clean
    failing = run_cli("lint", "-q", "blueprints", cwd=FINDINGS)
    assert failing.code == 1 and "error BPG007" in failing.stdout
    assert "Blueprint(s) linted" not in failing.stdout
    normal = run_cli("lint", "blueprints", cwd=FINDINGS)
    assert "Blueprint(s) linted" in normal.stdout
    loud = run_cli("lint", "-v", "blueprints/webapp", cwd=workspace)
    assert loud.code == 0 and "linted blueprints/webapp" in loud.stderr
    assert "1 Blueprint(s) in" in loud.stderr


def test_compile_lock_and_deliver_quiet_and_verbose(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    loud = run_cli("compile", "-v", cwd=workspace)
    assert loud.code == 0 and "  wrote   out/repos/acme/shop/develop/" in loud.stdout, loud
    stray = next((workspace / "out" / "repos").rglob("*.yaml"))
    stray.write_text(stray.read_text() + "# edited\n")
    quiet = run_cli("compile", "-q", cwd=workspace)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", ""), quiet
    check = run_cli("compile", "--check", "-q", cwd=workspace)
    assert (check.code, check.stdout, check.stderr) == (0, "", ""), check

    assert run_cli("lock", "-q", cwd=workspace).stdout == ""
    assert run_cli("lock", "--check", "-q", cwd=workspace).stdout == ""
    delivered = run_cli("deliver", "-q", cwd=workspace)
    assert (delivered.code, delivered.stdout) == (0, ""), delivered
    again = run_cli("deliver", "-v", cwd=workspace)
    assert "unchanged" in again.stdout and " s" in again.stderr
