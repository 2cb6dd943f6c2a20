"""`deliver` into the embedded bare repositories: the reference workspace compiled
for real, delivered with pygit2, read back with real git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pygit2
import pytest
import yaml

from blueprintc.build.envtree import compiled_files
from blueprintc.build.errors import BuildError
from blueprintc.compile.run import run_compile
from blueprintc.deliver import embedded
from blueprintc.deliver.branchplan import plan
from blueprintc.deliver.embedded import DeliverError, Identity, deliver, identity, write_tree
from blueprintc.deliver.state import STATE_FILE
from tests.compile.helpers import copy_workspace

REPO_ROOT = Path(__file__).resolve().parents[2]
WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compiled") / "out"
    outcome = run_compile(REPO_ROOT, out=out)
    assert not outcome.diagnostics, outcome.diagnostics
    return out


@pytest.fixture
def out(compiled: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(compiled, copy, symlinks=True)
    return copy


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_every_branch_holds_exactly_its_compiled_tree(out: Path) -> None:
    result = deliver(out, WHO)
    assert not result.failed
    branches = plan(compiled_files(out))
    assert {(b.repo, b.branch) for b in result.branches} == set(branches)
    assert result.count("delivered") == len(branches)
    for (repo, branch), files in branches.items():
        git_dir = out / "git" / f"{repo}.git"
        assert _git(git_dir, "rev-parse", "--is-bare-repository").strip() == "true"
        listed = _git(git_dir, "ls-tree", "-r", "--name-only", branch).split()
        assert sorted(listed) == sorted(files)
        some = sorted(files)[0]
        shown = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{branch}:{some}"],
            capture_output=True,
            check=True,
        ).stdout
        assert shown == files[some]
        assert int(_git(git_dir, "rev-list", "--count", branch)) == 1
        assert "Inputs: sha256:" in _git(git_dir, "log", "-1", "--format=%B", branch)
    assert _git(out / "git/system/fleet.git", "symbolic-ref", "HEAD").strip() == "refs/heads/main"


def test_unchanged_branches_get_no_commit_and_a_change_gets_one(out: Path) -> None:
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    again = deliver(out, WHO)
    assert again.count("unchanged") == len(first) and again.count("delivered") == 0
    assert {(b.repo, b.branch): b.commit for b in again.branches} == first
    # The tip's tree differs from the compiled one (an earlier delivery): one commit on top.
    repo, branch = sorted(first)[0]
    git_dir = out / "git" / f"{repo}.git"
    git = pygit2.Repository(str(git_dir))
    tip = git.get(first[(repo, branch)])
    assert isinstance(tip, pygit2.Commit)
    older = write_tree(git, {"old.yaml": b"a: 1\n"})
    sig = pygit2.Signature("x", "x@x", 1, 0)
    git.create_commit(f"refs/heads/{branch}", sig, sig, tip.message, older, [tip.id])
    third = deliver(out, WHO)
    moved = [b for b in third.branches if b.status == "delivered"]
    assert [(b.repo, b.branch) for b in moved] == [(repo, branch)]
    assert int(_git(git_dir, "rev-list", "--count", branch)) == 3
    assert "1 removed" in _git(git_dir, "log", "-1", "--format=%B", branch)


def test_same_inputs_same_commit_ids(
    compiled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    ids = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        shutil.copytree(compiled, out, symlinks=True)
        ids.append(
            {(b.repo, b.branch): b.commit for b in deliver(out, identity(None, None)).branches}
        )
    assert ids[0] == ids[1]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(DeliverError, match="SOURCE_DATE_EPOCH"):
        identity(None, None)


def test_unrelated_history_is_refused_and_kept(out: Path, tmp_path: Path) -> None:
    git_dir = out / "git/acme/shop.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(git_dir)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(git_dir), str(work)], check=True, capture_output=True)
    (work / "README").write_text("hand-made\n")
    env_git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run([*env_git, "add", "README"], check=True)
    subprocess.run([*env_git, "commit", "-qm", "by hand"], check=True)
    branches = {b for r, b in plan(compiled_files(out)) if r == "acme/shop"}
    for branch in branches:
        subprocess.run([*env_git, "push", "-q", "origin", f"HEAD:{branch}"], check=True)
    before = _git(git_dir, "for-each-ref")
    result = deliver(out, WHO)
    refused = [b for b in result.branches if b.status == "failed"]
    assert {b.branch for b in refused} == branches
    assert all("history blueprintc did not write" in b.detail for b in refused)
    assert _git(git_dir, "for-each-ref") == before
    assert result.count("delivered") == len(result.branches) - len(branches)


def _opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The repositories `deliver` opens from now on (observed, not replaced)."""
    opened: list[str] = []
    real = embedded.open_repo

    def observed(path: Path) -> pygit2.Repository:
        opened.append(path.relative_to(path.parents[1]).as_posix())
        return real(path)

    monkeypatch.setattr(embedded, "open_repo", observed)
    return opened


def test_an_unchanged_delivery_opens_no_repository(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    state = (out / "git" / STATE_FILE).read_bytes()
    opened = _opened(monkeypatch)
    again = deliver(out, WHO)
    assert opened == []
    assert again.count("unchanged") == len(first)
    assert {(b.repo, b.branch): b.commit for b in again.branches} == first
    assert (out / "git" / STATE_FILE).read_bytes() == state


def test_a_one_application_change_opens_and_commits_only_its_changed_branches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    out = workspace / "out"
    assert not run_compile(workspace, out=out).failing
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    acme = workspace / "organizations" / "acme.yaml"
    acme.write_text(acme.read_text().replace("Welcome to Acme", "Welcome back to Acme"))
    assert not run_compile(workspace, out=out).failing
    opened = _opened(monkeypatch)
    again = deliver(out, WHO)
    delivered = [(b.repo, b.branch) for b in again.branches if b.status == "delivered"]
    assert delivered and {repo for repo, _ in delivered} == {"acme/shop"}
    assert sorted(set(opened)) == ["acme/shop.git"]
    assert len(opened) == len(delivered)
    for repo, branch in delivered:
        git_dir = out / "git" / f"{repo}.git"
        assert _git(git_dir, "rev-list", "--count", branch).strip() == "2"
        assert _git(git_dir, "rev-parse", f"{branch}^").strip() == first[(repo, branch)]


def test_a_removed_application_is_emptied_by_a_commit_and_its_repository_kept(
    tmp_path: Path,
) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    out = workspace / "out"
    assert not run_compile(workspace, out=out).failing
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    initech = workspace / "organizations" / "initech.yaml"
    doc = yaml.safe_load(initech.read_text())
    removed = doc["spec"]["applications"].pop()["name"]
    initech.write_text(yaml.safe_dump(doc, sort_keys=False))
    assert not run_compile(workspace, out=out).failing
    again = deliver(out, WHO)
    emptied = [b for b in again.branches if b.repo == f"initech/{removed}"]
    assert emptied and all(b.status == "delivered" for b in emptied)
    for b in emptied:
        git_dir = out / "git" / f"initech/{removed}.git"
        assert _git(git_dir, "ls-tree", "-r", "--name-only", b.branch).split() == []
        assert _git(git_dir, "rev-parse", f"{b.branch}^").strip() == first[(b.repo, b.branch)]
    third = deliver(out, WHO)  # emptied once, then left alone
    assert not [b for b in third.branches if b.repo == f"initech/{removed}"]
    assert third.count("delivered") == 0


@pytest.mark.parametrize("garbled", ["{not json", "null", "[]", '""', "7"])
def test_a_lost_or_garbled_state_takes_the_full_path(out: Path, garbled: str) -> None:
    """JSON that is not an object is as unreadable as invalid JSON."""
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    (out / "git" / STATE_FILE).write_text(garbled)
    again = deliver(out, WHO)
    assert again.count("unchanged") == len(first) and again.count("delivered") == 0
    assert json.loads((out / "git" / STATE_FILE).read_text())["format"] == 1


def test_a_branch_moved_since_the_last_delivery_is_checked_again(out: Path) -> None:
    """A tip that is not the recorded commit (someone pushed) is no longer trusted:
    history blueprintc did not write is refused, as on the full path."""
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    repo, branch = sorted(first)[0]
    git = pygit2.Repository(str(out / "git" / f"{repo}.git"))
    tip = git.get(first[(repo, branch)])
    assert isinstance(tip, pygit2.Commit)
    sig = pygit2.Signature("x", "x@x", 1, 0)
    git.create_commit(f"refs/heads/{branch}", sig, sig, "hand-made\n", tip.tree_id, [tip.id])
    again = {(b.repo, b.branch): b for b in deliver(out, WHO).branches}
    assert again[(repo, branch)].status == "failed"
    assert "did not write" in again[(repo, branch)].detail


def test_a_stray_file_refuses_the_delivery_with_the_fix_to_deliver_again(out: Path) -> None:
    deliver(out, WHO)
    branch = next((out / "repos").glob("*/*/*/"))
    (branch / "stray.yaml").write_text("kind: Secret\n")
    with pytest.raises(BuildError, match=r"stray\.yaml was not written by compile.*deliver again"):
        deliver(out, WHO)
