"""A delivery's objects reach the disk as one pack per commit (loose when there are
few), always before a ref names them; real git reads and checks the result."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pygit2

from blueprintc.deliver.embedded import Identity, commit_branch, open_repo, write_tree
from blueprintc.deliver.packing import PACK_MIN_OBJECTS

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def _objects(repo: Path) -> dict[str, int]:
    rows = (line.split(": ") for line in _git(repo, "count-objects", "-v").splitlines())
    return {key: int(value) for key, value in rows}


def _files(count: int, version: int = 1) -> dict[str, bytes]:
    return {
        f"apps/app-{i}/values.yaml": f"replicas: {i}\nv: {version}\n".encode() for i in range(count)
    }


def test_a_big_commit_lands_as_one_pack_that_git_reads_and_checks(tmp_path: Path) -> None:
    git_dir = tmp_path / "r.git"
    files = _files(PACK_MIN_OBJECTS)
    done = commit_branch(open_repo(git_dir), "o/a", "develop", files, WHO, "d")
    assert done.status == "delivered"
    counted = _objects(git_dir)
    assert counted["count"] == 0 and counted["packs"] == 1
    assert counted["in-pack"] == 2 * PACK_MIN_OBJECTS + 3  # blobs, app trees, apps/, root, commit
    subprocess.run(["git", "--git-dir", str(git_dir), "fsck", "--strict"], check=True)
    assert _git(git_dir, "rev-parse", "develop").strip() == done.commit
    shown = _git(git_dir, "show", "develop:apps/app-3/values.yaml")
    assert shown == files["apps/app-3/values.yaml"].decode()


def test_a_small_commit_stays_loose_and_adds_no_pack(tmp_path: Path) -> None:
    git_dir = tmp_path / "r.git"
    commit_branch(open_repo(git_dir), "o/a", "develop", _files(PACK_MIN_OBJECTS), WHO, "d")
    changed = _files(PACK_MIN_OBJECTS)
    changed["apps/app-0/values.yaml"] = b"replicas: 9\n"
    done = commit_branch(open_repo(git_dir), "o/a", "develop", changed, WHO, "d")
    counted = _objects(git_dir)
    assert counted["packs"] == 1 and 0 < counted["count"] < PACK_MIN_OBJECTS
    subprocess.run(["git", "--git-dir", str(git_dir), "fsck", "--strict"], check=True)
    assert _git(git_dir, "rev-parse", "develop").strip() == done.commit
    assert _git(git_dir, "rev-list", "--count", "develop").strip() == "2"


def test_the_ref_does_not_move_when_the_objects_cannot_be_written(tmp_path: Path) -> None:
    git_dir = tmp_path / "r.git"
    repo = open_repo(git_dir)
    pack_dir = git_dir / "objects/pack"
    pack_dir.rmdir()
    pack_dir.write_text("in the way")  # the pack cannot be written
    try:
        commit_branch(repo, "o/a", "develop", _files(PACK_MIN_OBJECTS), WHO, "d")
        raised = None
    except (pygit2.GitError, OSError) as exc:
        raised = exc
    assert raised is not None
    assert pygit2.Repository(str(git_dir)).references.get("refs/heads/develop") is None
    pack_dir.unlink()
    pack_dir.mkdir()
    done = commit_branch(open_repo(git_dir), "o/a", "develop", _files(PACK_MIN_OBJECTS), WHO, "d")
    assert _git(git_dir, "rev-parse", "develop").strip() == done.commit
    subprocess.run(["git", "--git-dir", str(git_dir), "fsck", "--strict"], check=True)


def test_a_tree_written_only_to_learn_its_id_never_reaches_the_disk(tmp_path: Path) -> None:
    git_dir = tmp_path / "r.git"
    repo = open_repo(git_dir)
    tree = write_tree(repo, _files(3))
    assert repo.get(tree) is not None  # readable while pending
    assert _objects(git_dir)["count"] == 0 and _objects(git_dir)["packs"] == 0
