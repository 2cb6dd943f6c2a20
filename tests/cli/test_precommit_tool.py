"""README's pre-commit example run by the real `pre-commit` tool against a local clone
of this repository at a tag (issue 10 point 4): the hook file, `rev:`, the `files:`
pattern and the exit code as a Blueprint repository sees them, for both hooks.

`blueprintc-lint-system` runs the blueprintc already on PATH. `blueprintc-lint`
(language python) makes pre-commit build an environment of its own: pip installs the
clone and its dependencies there, from the wheelhouse `make` fetched with the venv
(PIP_NO_INDEX, PIP_FIND_LINKS), because a test reaches 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import CLEAN_VALUES, SECRET_VALUES, write_workspace

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
TAG = "v0.0.0-test"


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


WHEELHOUSE = Path(sys.executable).parents[1] / "wheelhouse"


def test_the_readme_hook_runs_under_the_real_pre_commit(tmp_path: Path) -> None:
    _readme_example(tmp_path, "blueprintc-lint-system", "blueprintc lint (blueprintc on PATH)")


def test_the_hook_with_an_environment_of_its_own_runs_under_the_real_pre_commit(
    tmp_path: Path,
) -> None:
    assert any(WHEELHOUSE.glob("helm_python_sdk-*.whl")), (
        f"no wheelhouse at {WHEELHOUSE}: `make test` fetches it with the venv"
    )
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}
    _readme_example(tmp_path, "blueprintc-lint", "blueprintc lint", offline)
    environments = list((tmp_path / "cache").glob("repo*/py_env-*"))
    assert len(environments) == 1, environments
    assert (environments[0] / "bin" / "blueprintc").is_file()


def _readme_example(
    tmp_path: Path, hook: str, name: str, extra_env: dict[str, str] | None = None
) -> None:
    assert PRE_COMMIT is not None, "pre-commit is a dev dependency: pip install -e '.[dev]'"
    tool = tmp_path / "blueprintc-clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(tool)], check=True)
    _git("tag", TAG, cwd=tool)  # what a release tag gives `rev:`

    repo = write_workspace(tmp_path / "blueprints-repo", {"web": CLEAN_VALUES})
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tool}\n    rev: {TAG}\n    hooks:\n      - id: {hook}\n"
    )
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
        **(extra_env or {}),
    }
    run = [str(PRE_COMMIT), "run", "--color", "never"]
    clean = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"{name}..." in clean.stdout and "Passed" in clean.stdout, clean.stdout

    (repo / "blueprints/web/chart/values.yaml").write_text(SECRET_VALUES)
    _git("add", "-A", cwd=repo)
    dirty = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True)
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "Failed" in dirty.stdout and "blueprints/web/chart/values.yaml" in dirty.stdout

    # a file the pattern does not pass runs no hook at all
    (repo / "blueprints/web/chart/values.yaml").write_text(CLEAN_VALUES)
    (repo / "notes.txt").write_text("hello\n")
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "clean", "--no-verify", cwd=repo)
    (repo / "notes.txt").write_text("hello again\n")
    _git("add", "-A", cwd=repo)
    skipped = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True)
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout, skipped.stdout
