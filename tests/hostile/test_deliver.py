"""Hostile input to `blueprintc deliver`: each refusal is one line, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.hostile.harness import REPO, assert_refused, run_cli


def test_missing_out_is_refused(tmp_path: Path) -> None:
    run = run_cli("deliver", "--out", tmp_path / "nothing", cwd=tmp_path)
    assert_refused(run, "does not exist", "blueprintc compile")


def test_unrelated_history_is_refused_per_branch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("compile", "--out", out, cwd=REPO).code == 0
    git_dir = out / "git/acme/shop.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(git_dir)], check=True)
    tree = subprocess.run(
        ["git", "--git-dir", str(git_dir), "mktree"],
        input="",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {
        "GIT_AUTHOR_NAME": "x",
        "GIT_AUTHOR_EMAIL": "x@x",
        "GIT_COMMITTER_NAME": "x",
        "GIT_COMMITTER_EMAIL": "x@x",
    }
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "commit-tree", tree, "-m", "by hand"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    branches = sorted(p.name for p in (out / "repos/acme/shop").iterdir())
    for branch in branches:
        subprocess.run(
            ["git", "--git-dir", str(git_dir), "update-ref", f"refs/heads/{branch}", commit],
            check=True,
        )
    run = run_cli("deliver", "--out", out, cwd=tmp_path)
    assert_refused(run, "history blueprintc did not write", "then deliver again", code=1)
    for branch in branches:
        head = subprocess.run(
            ["git", "--git-dir", str(git_dir), "rev-parse", branch],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert head == commit
