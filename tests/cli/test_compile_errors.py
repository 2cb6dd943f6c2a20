"""`blueprintc compile` on broken workspaces: diagnostics and exit 1, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from blueprintc.cli import cli

REPO = Path(__file__).resolve().parents[2]
WORKSPACE = "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n"


def _compile(workspace: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["compile", str(workspace)], catch_exceptions=False)
    return result.exit_code, result.output


def test_empty_workspace_names_the_missing_sovereign_in_one_line(tmp_path: Path) -> None:
    """No Sovereign spec is a usage error (exit 2), said before anything is read."""
    (tmp_path / "blueprintc.yaml").write_text(WORKSPACE)
    code, output = _compile(tmp_path)
    assert code == 2
    assert "no Sovereign spec: sovereign.yaml does not exist" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_a_workspace_without_its_catalog_names_it(tmp_path: Path) -> None:
    (tmp_path / "blueprintc.yaml").write_text(WORKSPACE)
    shutil.copyfile(REPO / "sovereign.yaml", tmp_path / "sovereign.yaml")
    code, output = _compile(tmp_path)
    assert code == 1
    assert "the Blueprint catalog directory blueprints/ does not exist" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_a_broken_organization_file_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "blueprintc.yaml").write_text(WORKSPACE)
    shutil.copyfile(REPO / "sovereign.yaml", tmp_path / "sovereign.yaml")
    shutil.copytree(REPO / "blueprints", tmp_path / "blueprints")
    shutil.copytree(REPO / "upstream-charts", tmp_path / "upstream-charts")
    (tmp_path / "organizations").mkdir()
    (tmp_path / "organizations" / "x.yaml").write_text("kind: Organization\nmetadata: [1\n")
    code, output = _compile(tmp_path)
    assert code == 1
    assert "organizations/x.yaml:3:1: error BPI001 [yaml-syntax]" in output
    assert "out/ left untouched" in output
