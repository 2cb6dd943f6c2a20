"""README's Actions workflow: its `changed` step, run as written, feeds the build job."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from .conftest import make_workspace

REPO_ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- workflow: blueprint-ci -->"


def _readme_workflow() -> dict[str, Any]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(re.escape(MARKER) + r"\n```yaml\n(.*?)\n```", text, re.S)
    assert block, f"README.md lost the workflow after {MARKER}"
    return yaml.safe_load(block.group(1))


def _step(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("id") == step_id)


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone whose origin/main is the catalog's first commit, as actions/checkout leaves it."""
    origin = make_workspace(tmp_path / "origin", "cert-manager", "cluster-issuers", "webapp")
    repo = git.Repo.init(origin, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "blueprintc tests")
        config.set_value("user", "email", "tests@example.invalid")
    repo.git.add("--all")
    repo.index.commit("catalog")
    return Path(str(git.Repo.clone_from(origin, tmp_path / "checkout").working_tree_dir))


def _run_step(command: str, cwd: Path, output: Path) -> None:
    argv = shlex.split(command)
    assert argv[0] == "blueprintc"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "blueprintc", *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_documented_changed_step_skips_an_empty_change_and_feeds_the_matrix(
    checkout: Path, tmp_path: Path
) -> None:
    workflow = _readme_workflow()
    changed_job, build_job = workflow["jobs"]["changed"], workflow["jobs"]["build"]
    command = _step(changed_job, "changed")["run"]
    # The build job reads exactly the outputs the step writes.
    assert changed_job["outputs"] == {
        "matrix": "${{ steps.changed.outputs.matrix }}",
        "has-changes": "${{ steps.changed.outputs.has-changes }}",
    }
    assert build_job["if"] == "needs.changed.outputs.has-changes == 'true'"
    assert build_job["strategy"]["matrix"] == "${{ fromJSON(needs.changed.outputs.matrix) }}"

    nothing = tmp_path / "nothing.txt"
    _run_step(command, checkout, nothing)
    assert _outputs(nothing) == {"matrix": '{"include":[]}', "has-changes": "false"}

    values = checkout / "blueprints/cert-manager/chart/values.yaml"
    values.write_text(values.read_text() + "# tuned\n")
    for rel in (
        "blueprints/cert-manager/blueprint.yaml",
        "blueprints/cert-manager/chart/Chart.yaml",
    ):
        path = checkout / rel  # a chart change comes with its version bump (BPS007)
        path.write_text(path.read_text().replace("version: 1.2.0", "version: 1.2.1", 1))
    something = tmp_path / "something.txt"
    _run_step(command, checkout, something)
    written = _outputs(something)
    assert written["has-changes"] == "true"
    assert '"path":"blueprints/cert-manager"' in written["matrix"]
    assert '"path":"blueprints/webapp"' in written["matrix"]  # through bp-cluster-issuers


def test_github_output_without_the_variable_is_a_usage_error(checkout: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_OUTPUT"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "blueprintc", "changed", "--since", "HEAD", "--github-output"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "$GITHUB_OUTPUT" in done.stderr and "Traceback" not in done.stderr
