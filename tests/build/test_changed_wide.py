"""`changed` on workspace-wide inputs and deleted Blueprints (issue 10 point 9), through
the real CLI in a fresh process, on a workspace in a subdirectory of a git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import write_workspace
from tests.hostile.harness import run_cli


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    write_workspace(
        repo / "platform",
        {"alpha": "replicas: 1\n", "beta": "replicas: 1\n"},
        config="canon: canon.yaml\n",
        extra={"canon.yaml": "{}\n", "overlays/small.yaml": "size: s\n", "schemas/x.json": "{}"},
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "--all")
    _git(repo, "commit", "-q", "-m", "init")
    return repo


@pytest.mark.parametrize(
    "rel", ["blueprintc.yaml", "canon.yaml", "overlays/small.yaml", "schemas/x.json"]
)
def test_a_workspace_wide_input_changes_every_blueprint(repo: Path, rel: str) -> None:
    path = repo / "platform" / rel
    path.write_text(path.read_text() + "\n# tuned\n")
    run = run_cli("changed", "--since", "HEAD", cwd=repo / "platform")
    why = f"workspace input changed: platform/{rel}"
    assert run.stdout.splitlines() == [
        f"bp-alpha\tplatform/blueprints/alpha\t{why}",
        f"bp-beta\tplatform/blueprints/beta\t{why}",
    ], run


def test_a_deleted_blueprint_is_reported_and_kept_out_of_the_matrix(repo: Path) -> None:
    shutil.rmtree(repo / "platform/blueprints/beta")
    _git(repo, "commit", "-q", "-am", "drop beta")
    text = run_cli("changed", "--since", "HEAD~1", "platform", cwd=repo)
    assert text.stdout == "bp-beta\tplatform/blueprints/beta\tdeleted\n", text
    matrix = run_cli(
        "changed", "--since", "HEAD~1", "platform", "--format", "github-matrix", cwd=repo
    )
    assert json.loads(matrix.stdout) == {"include": []}, matrix
