"""A workspace in a subdirectory of a git repository (``platform/blueprintc.yaml``):
every report names files relative to the repository root, where GitHub, Gitea and code
scanning attach them (issue 10 point 1). Each run is the real CLI in a fresh process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from blueprintc.repopath import PathRebaser
from tests.cli.helpers import SECRET_VALUES, write_workspace
from tests.hostile.harness import run_cli

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
FILE = "platform/blueprints/leaky/chart/values.yaml"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _monorepo(tmp_path: Path) -> Path:
    repo = tmp_path / "monorepo"
    write_workspace(repo / "platform", {"leaky": SECRET_VALUES, "clean": "replicas: 1\n"})
    (repo / "README.md").write_text("A monorepo.\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "--all")
    _git(repo, "commit", "-q", "-m", "init")
    return repo


def test_lint_reports_are_repository_relative_in_every_format(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    workspace = repo / "platform"
    text = run_cli("lint", "--format", "text", cwd=workspace)
    assert text.code == 1, text
    assert text.stdout.startswith(f"{FILE}:3:13: error BPG007"), text
    assert " 3 |   password: hunter2\n" in text.stdout  # the source line, read from the repo
    as_json = run_cli("lint", "--format", "json", cwd=workspace)
    files = {d["file"] for d in json.loads(as_json.stdout)["diagnostics"]}
    assert files == {FILE}, as_json
    junit = run_cli("lint", "--format", "junit", cwd=workspace)
    assert f'file="{FILE}" line="3"' in junit.stdout, junit
    github = run_cli("lint", "--format", "github", cwd=workspace)
    assert f"::error file={FILE},line=3,col=13," in github.stdout, github
    sarif = run_cli("lint", "--format", "sarif", "blueprints", cwd=workspace)
    log = json.loads(sarif.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    (location,) = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert location["artifactLocation"] == {"uri": FILE, "uriBaseId": "%SRCROOT%"}


def test_lint_from_the_repository_root_names_the_same_paths(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    run = run_cli("lint", "--format", "json", "platform", cwd=repo)
    assert {d["file"] for d in json.loads(run.stdout)["diagnostics"]} == {FILE}, run


def test_outside_git_paths_are_workspace_relative(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", {"leaky": SECRET_VALUES})
    run = run_cli("lint", "--format", "sarif", cwd=workspace)
    run_log = json.loads(run.stdout)["runs"][0]
    assert run_log["originalUriBaseIds"]["%SRCROOT%"]["uri"] == workspace.resolve().as_uri() + "/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_log["results"]
    }
    assert uris == {"blueprints/leaky/chart/values.yaml"}, run


def test_changed_matrix_and_text_are_repository_relative(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    values = repo / "platform/blueprints/clean/chart/values.yaml"
    values.write_text("replicas: 2\n")
    matrix = run_cli(
        "changed", "--since", "HEAD", "--format", "github-matrix", cwd=repo / "platform"
    )
    assert json.loads(matrix.stdout) == {
        "include": [{"blueprint": "bp-clean", "path": "platform/blueprints/clean"}]
    }, matrix
    text = run_cli("changed", "--since", "HEAD", "platform", cwd=repo)
    assert text.stdout == "bp-clean\tplatform/blueprints/clean\tchanged\n", text


def test_hints_and_messages_name_the_repository_relative_path(tmp_path: Path) -> None:
    """BPS008's hint names the Chart.yaml its location names, not the workspace path."""
    repo = _monorepo(tmp_path)
    chart = repo / "platform" / "blueprints" / "clean" / "chart" / "Chart.yaml"
    text = chart.read_text(encoding="utf-8")
    chart.write_text(text.replace("name: bp-clean\n", "name: clean\n"), encoding="utf-8")
    run = run_cli("lint", "--format", "json", "--select", "BPS008", cwd=repo / "platform")
    (found,) = json.loads(run.stdout)["diagnostics"]
    where = "platform/blueprints/clean/chart/Chart.yaml"
    assert found["file"] == where, run
    assert found["hint"] == f"set name: bp-clean in {where}", run


@pytest.mark.parametrize(
    ("text", "rebased"),
    [
        ("set name: bp-x in blueprints/x/chart/Chart.yaml", "in platform/blueprints/x/chart/"),
        ("move it under blueprints/ or overlays/x", "under platform/blueprints/ or platform/ov"),
        ("error at (bp-x/templates/cm.yaml:3)", "error at (bp-x/templates/cm.yaml:3)"),
        ("see https://example.com/blueprints/x", "see https://example.com/blueprints/x"),
        ("not ./blueprints/x nor a/blueprints/x", "not ./blueprints/x nor a/blueprints/x"),
        ("values.yaml and blueprints", "values.yaml and blueprints"),
        ("write `ignore: [blueprints/x/**]` for blueprints/x", "[blueprints/x/**]` for platform/"),
    ],
)
def test_only_workspace_paths_are_rebased(tmp_path: Path, text: str, rebased: str) -> None:
    for top in ("blueprints", "overlays"):
        (tmp_path / top).mkdir()
    assert rebased in PathRebaser(tmp_path, "platform/")(text)
