"""Hostile `when:` predicates through the real CLI: bounded time, clear refusals, no traceback.

A predicate within the 1,000-character limit could nest 300 indexings deep;
Jinja's compiler took seconds per such predicate and failed past ~200 levels.
Lint did not check predicates at all, and `1e308 + 1e308` said "name 'inf' is
not defined".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.harness import assert_clean_failure, assert_no_traceback, run_cli, snapshot

FIXTURE = Path(__file__).parents[1] / "rules" / "cases" / "BPP012" / "pass"
BLUEPRINT = Path("blueprints/app/blueprint.yaml")
WHEN = 'when: "{{ .config.replicas > 1 }}"'
DEEP = ".config.a" + "[0]" * 300 + " is defined"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A small compile workspace: Application `shop` of bp-app, whose dependency has a `when`."""
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    return root


def _set_when(root: Path, predicate: str) -> None:
    path = root / BLUEPRINT
    text = path.read_text()
    assert WHEN in text
    path.write_text(text.replace(WHEN, f'when: "{{{{ {predicate} }}}}"'))


def test_a_deep_valid_predicate_lints_and_compiles(workspace: Path) -> None:
    _set_when(workspace, f"{DEEP} or .config.replicas > 1")
    before = snapshot(workspace)
    linted = run_cli("lint", cwd=workspace)
    assert linted.code == 0, str(linted)
    assert_no_traceback(linted)
    compiled = run_cli("compile", cwd=workspace)
    assert compiled.code == 0, str(compiled)
    assert_no_traceback(compiled)
    assert snapshot(workspace, skip=("out",)) == before


@pytest.mark.parametrize("command", ["lint", "compile"])
def test_a_deep_invalid_predicate_is_refused_at_its_place(workspace: Path, command: str) -> None:
    _set_when(workspace, f"{DEEP} | upper")
    column = 17 + len(DEEP) + 3  # after `      when: "{{ ` (16 columns), DEEP and ` | `
    before = snapshot(workspace)
    run = run_cli(command, cwd=workspace)
    rule = "BPS005" if command == "lint" else "BPP012"
    assert_clean_failure(run, f"{BLUEPRINT}:14:{column}:", rule, "filters (`| name`)")
    assert run.code == 1, str(run)
    assert snapshot(workspace) == before  # nothing written, nothing lost


def test_an_overflow_is_reported_about_the_expression(workspace: Path) -> None:
    _set_when(workspace, ".config.replicas + 1e308 + 1e308 > 0")
    before = snapshot(workspace)
    run = run_cli("compile", cwd=workspace)
    assert_clean_failure(
        run, "BPP012", "`.config.replicas + 1e308 + 1e308` overflows", "too large for a number"
    )
    assert "'inf'" not in run.output, str(run)
    assert snapshot(workspace) == before
