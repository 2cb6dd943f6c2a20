"""The test git server itself: real git clones and pushes through it, with basic auth
and the pre-receive hook refusing a protected branch."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.gitserver import create_repo, protect


def _git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@test",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@test",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )


def _work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    _git("init", "-q", "-b", "main", cwd=work)
    (work / "a.txt").write_text("a\n")
    _git("add", ".", cwd=work)
    _git("commit", "-q", "-m", "a", cwd=work)
    return work


def test_push_and_clone_with_basic_auth(git_server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = git_server
    create_repo(root, "acme/shop")
    work = _work(tmp_path)
    url = base.replace("http://", "http://deliver:test-only@") + "/acme/shop.git"
    _git("push", "-q", url, "main", "main:develop", cwd=work)
    clone = tmp_path / "clone"
    _git("clone", "-q", "-b", "develop", url, str(clone), cwd=tmp_path)
    assert (clone / "a.txt").read_text() == "a\n"


def test_wrong_password_is_refused(git_server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = git_server
    create_repo(root, "acme/shop")
    url = base.replace("http://", "http://deliver:wrong@") + "/acme/shop.git"
    done = _git("ls-remote", url, cwd=tmp_path, check=False)
    assert done.returncode != 0
    assert "Authentication failed" in done.stderr


def test_protected_branch_refuses_a_push(git_server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = git_server
    repo = create_repo(root, "acme/shop")
    protect(repo, "main", "someone-else")
    work = _work(tmp_path)
    url = base.replace("http://", "http://deliver:test-only@") + "/acme/shop.git"
    done = _git("push", url, "main", "main:develop", cwd=work, check=False)
    assert done.returncode != 0
    assert "branch main is protected" in done.stderr
    heads = _git("ls-remote", "--heads", url, cwd=tmp_path).stdout
    # pre-receive refuses the whole push, as Gitea's does: develop is not there either
    assert heads == ""
