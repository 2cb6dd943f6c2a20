"""NO_COLOR and FORCE_COLOR, through the real CLI in a subprocess (never a terminal
here, so colour appears only when forced)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compile.helpers import copy_workspace
from tests.hostile.harness import run_cli

REPO = Path(__file__).resolve().parents[2]
FINDINGS = REPO / "tests/fixtures/catalog-with-findings"
ESC = "\x1b["


def _env(**set_vars: str) -> dict[str, str]:
    """Both variables given (an empty one counts as unset, as the conventions say; the
    harness sets NO_COLOR=1 by default)."""
    return {"NO_COLOR": "", "FORCE_COLOR": "", **set_vars}


@pytest.mark.parametrize(
    ("variables", "flag", "coloured"),
    [
        ({}, None, False),  # a pipe: plain
        ({"FORCE_COLOR": "1"}, None, True),
        ({"FORCE_COLOR": ""}, None, False),  # set but empty: as if unset
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, None, False),  # NO_COLOR wins
        ({"NO_COLOR": "1"}, "--color", True),  # the flag wins over both
        ({"FORCE_COLOR": "1"}, "--no-color", False),
    ],
)
def test_lint_colours_as_the_environment_and_flag_say(
    variables: dict[str, str], flag: str | None, coloured: bool
) -> None:
    args = ["lint", *([flag] if flag else []), "blueprints"]
    done = run_cli(*args, cwd=FINDINGS, env=_env(**variables))
    assert done.code == 1, done  # the fixture has findings
    assert (ESC in done.stdout) is coloured


def test_a_report_file_gets_colour_only_from_the_flag(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    done = run_cli("lint", "-o", report, "blueprints", cwd=FINDINGS, env=_env(FORCE_COLOR="1"))
    assert done.code == 1, done
    assert ESC not in report.read_text()


def test_compile_findings_follow_the_same_rules(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    acme = workspace / "organizations" / "acme.yaml"
    acme.write_text(acme.read_text().replace("kind: Organization", "kind: Organisation"))
    forced = run_cli("compile", cwd=workspace, env=_env(FORCE_COLOR="1"))
    plain = run_cli("compile", cwd=workspace, env=_env(FORCE_COLOR="1", NO_COLOR="1"))
    assert forced.code == plain.code == 1
    assert ESC in forced.stderr and ESC not in plain.stderr
