"""Reading what a delivery left on the test git server (tests/gitserver.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from blueprintc.build.envtree import compiled_files
from blueprintc.deliver.branchplan import plan
from tests.gitserver import create_repo, heads

CREDS = {
    "BLUEPRINTC_GIT_USERNAME": "deliver",
    "BLUEPRINTC_GIT_PASSWORD": "test-only",
    "BLUEPRINTC_WEBHOOK_TOKEN": "test-only-webhook-token",
}


def repos_of(out: Path) -> list[str]:
    return sorted({repo for repo, _ in plan(compiled_files(out))})


def serve_all(root: Path, out: Path, skip: tuple[str, ...] = ()) -> None:
    for name in repos_of(out):
        if name not in skip:
            create_repo(root, name)


def server_state(root: Path) -> dict[str, dict[str, str]]:
    return {
        str(p.relative_to(root))[: -len(".git")]: heads(p) for p in sorted(root.glob("*/*.git"))
    }


def clone_equals_compiled(base: str, out: Path, tmp_path: Path) -> int:
    checked = 0
    for (repo, branch), files in plan(compiled_files(out)).items():
        url = base.replace("http://", "http://deliver:test-only@") + f"/{repo}.git"
        clone = tmp_path / "clones" / repo / branch
        subprocess.run(
            ["git", "clone", "-q", "-b", branch, url, str(clone)],
            check=True,
            capture_output=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
        got = {
            str(p.relative_to(clone)): p.read_bytes()
            for p in clone.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(clone).parts
        }
        assert got == files, (repo, branch)
        checked += 1
    return checked
