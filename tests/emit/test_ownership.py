"""Ownership: emit writes only into a directory it owns and prunes only what it wrote.

* ``check_output`` refuses roots, the home directory, guarded inputs, links, files
  and directories holding someone else's files (no ``.blueprintc/`` marker);
* pruning removes only paths out/'s manifest records; an unknown file is reported
  and kept (``force_prune`` removes it), and one where the plan must write refuses
  the emit; dot-entries such as ``.git`` are never touched, by either strategy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blueprintc.emit import OutputFile, emit, recover, serialise
from blueprintc.emit.ownership import (
    MARKER,
    Guarded,
    OwnershipError,
    check_directory,
    check_output,
    claim_output,
)

from .helpers import make_files, tree_bytes, tree_stats
from .test_crash import _emit_in_fork


def _ours(out: Path) -> dict[str, bytes]:
    """The regular files of out/ outside any dot-entry (a FIFO is never opened)."""
    found: dict[str, bytes] = {}
    for base, dirnames, filenames in os.walk(out):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(base) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                found[path.relative_to(out).as_posix()] = path.read_bytes()
    return found


def _git_dir(out: Path) -> dict[str, bytes]:
    git = out / ".git"
    (git / "refs" / "heads").mkdir(parents=True)  # empty: a swap would drop it
    (git / "objects" / "ab").mkdir(parents=True)
    (git / "objects" / "ab" / "cdef").write_bytes(b"a commit")
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    return tree_bytes(git)


def _assert_git(out: Path, before: dict[str, bytes]) -> None:
    assert tree_bytes(out / ".git") == before
    assert (out / ".git" / "refs" / "heads").is_dir()


# -- the ownership check -------------------------------------------------------


def test_check_output_accepts_absent_empty_and_marked_directories(tmp_path: Path) -> None:
    assert check_output(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert check_output(tmp_path / "empty") == tmp_path / "empty"
    (tmp_path / "mine" / MARKER).mkdir(parents=True)
    (tmp_path / "mine" / "anything").write_text("x")
    assert check_output(tmp_path / "mine") == tmp_path / "mine"
    (tmp_path / "shared" / "oci").mkdir(parents=True)
    assert check_output(tmp_path / "shared", allowed=["oci"]) == tmp_path / "shared"
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_check_output_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    workspace = tmp_path / "ws"
    (workspace / "organizations").mkdir(parents=True)
    guards = [
        Guarded(workspace, "the workspace", nested_ok=True),
        Guarded(workspace / "organizations", "the input directory organizations"),
    ]
    (tmp_path / "file").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "to-ws").symlink_to(workspace, target_is_directory=True)
    (tmp_path / "theirs" / "sub").mkdir(parents=True)
    (tmp_path / "theirs" / "important.txt").write_text("x")
    cases = {
        "/": "filesystem root",
        str(home): "is your home directory",
        str(tmp_path): "contains your home directory",
        str(workspace): "is the workspace",
        str(workspace / "organizations"): "is the input directory",
        str(workspace / "organizations" / "x"): "lies inside the input directory",
        str(tmp_path / "file"): "not a directory",
        str(tmp_path / "link"): "symbolic link",
        str(tmp_path / "to-ws"): "is the workspace",  # judged by where it leads
        str(tmp_path / "theirs"): "important.txt, sub/) and no .blueprintc/ marker",
    }
    before = tree_stats(tmp_path)
    for path, why in cases.items():
        with pytest.raises(OwnershipError, match="fix:") as caught:
            check_output(path, guards)
        assert why in str(caught.value), path
        assert "\n" not in str(caught.value)
    assert tree_stats(tmp_path) == before
    assert check_output(workspace / "out", guards) == workspace / "out"  # nested: fine


def test_claim_output_marks_the_directory(tmp_path: Path) -> None:
    claimed = claim_output(tmp_path / "out" / "build")
    assert (claimed / MARKER).is_dir()
    (claimed / "bp-1.0.0.tgz").write_bytes(b"x")
    assert claim_output(claimed) == claimed  # marked: still ours, files and all


def test_check_directory_for_named_files(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "other").write_text("x")
    assert check_directory(tmp_path / "keys", "key directory") == tmp_path / "keys"
    for path, why in (("/", "filesystem root"), (tmp_path / "file", "not a directory")):
        with pytest.raises(OwnershipError, match=why):
            check_directory(path, "key directory")


def test_emit_itself_refuses_someone_elses_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "important.txt").write_text("mine")
    (out / "sub" / "data.db").write_bytes(b"db")
    before = tree_stats(tmp_path)
    for check in (False, True):
        with pytest.raises(OwnershipError, match=r"important\.txt"):
            emit(make_files(3), out, check=check, force_prune=True)
    assert tree_stats(tmp_path) == before


# -- pruning: only what the manifest records ------------------------------------


@pytest.mark.parametrize("change", ["in-place", "swap"])
def test_prune_removes_only_manifest_paths(tmp_path: Path, change: str) -> None:
    out = tmp_path / "out"
    emit(make_files(40), out)
    (out / "apps" / "mine.txt").write_text("mine")
    (out / "notes").mkdir()
    (out / "notes" / "todo.md").write_text("todo")
    (out / "fifo").parent.mkdir(exist_ok=True)
    os.mkfifo(out / "fifo")
    new = make_files(30) if change == "in-place" else make_files(30, "v2")
    report = emit(new, out)
    assert report.strategy == "in-place"  # a new tree would not carry them over
    assert report.removed == tuple(sorted(f.path for f in make_files(40)[30:]))
    assert report.unknown == ("apps/mine.txt", "fifo", "notes/todo.md")
    assert (out / "apps" / "mine.txt").read_text() == "mine"
    assert (out / "notes" / "todo.md").read_text() == "todo"
    assert (out / "fifo").is_fifo()
    assert _ours(out) == {
        **{f.path: serialise(f) for f in new},
        "apps/mine.txt": b"mine",
        "notes/todo.md": b"todo",
    }
    forced = emit(new, out, force_prune=True)
    assert forced.removed == ("apps/mine.txt", "fifo", "notes/todo.md")
    assert forced.unknown == ()
    assert not (out / "notes").exists() and not os.path.lexists(out / "fifo")
    assert _ours(out) == {f.path: serialise(f) for f in new}


def test_a_large_change_of_a_tree_holding_only_its_own_files_still_swaps(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    emit(make_files(40), out)
    report = emit(make_files(30, "v2"), out)
    assert report.strategy == "swap"
    assert _ours(out) == {f.path: serialise(f) for f in make_files(30, "v2")}


def test_an_unknown_file_where_the_plan_writes_refuses_the_emit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(10)
    emit(files[:9], out)
    target = out / files[9].path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("hand-made\n")
    before = tree_stats(out)
    for check in (False, True):
        with pytest.raises(OwnershipError, match=f"{files[9].path}.*--force-prune"):
            emit(files, out, check=check)
    assert tree_stats(out) == before
    assert target.read_text() == "hand-made\n"
    target.write_bytes(serialise(files[9]))  # the very bytes: adopted, recorded from now on
    assert emit(files, out).written == ()
    target.write_text("edited\n")  # a hand edit of a file blueprintc wrote: restored
    assert emit(files, out).written == (files[9].path,)
    later = OutputFile("apps/later.yaml", ({"a": 1},), "later")
    (out / "apps" / "later.yaml").write_text("hand-made\n")
    with pytest.raises(OwnershipError, match=r"apps/later\.yaml"):
        emit([*files, later], out)
    assert (out / "apps" / "later.yaml").read_text() == "hand-made\n"
    assert emit([*files, later], out, force_prune=True).written == ("apps/later.yaml",)
    assert (out / "apps" / "later.yaml").read_bytes() == serialise(later)


# -- dot-entries: never touched -------------------------------------------------


@pytest.mark.parametrize("force_prune", [False, True])
def test_dot_entries_survive_every_strategy(tmp_path: Path, force_prune: bool) -> None:
    out = tmp_path / "out"
    emit(make_files(40), out)
    git = _git_dir(out)
    (out / ".gitignore").write_text("*.tmp\n")
    (out / "apps" / ".keep").write_text("")
    small = emit(make_files(40, overrides={1: "v2"}), out, force_prune=force_prune)
    assert small.strategy == "in-place"
    large = emit(make_files(20, "v3"), out, force_prune=force_prune)
    assert large.strategy == "in-place"  # the swap would lose .git's empty dirs
    assert not [p for p in (*small.removed, *large.removed) if "/." in f"/{p}"]
    _assert_git(out, git)
    assert (out / ".gitignore").read_text() == "*.tmp\n"
    assert (out / "apps" / ".keep").exists()
    assert _ours(out) == {f.path: serialise(f) for f in make_files(20, "v3")}


def test_planned_paths_never_hold_a_dot_part(tmp_path: Path) -> None:
    for path in (".git/config", "apps/.hidden.yaml"):
        with pytest.raises(Exception, match="dot"):
            emit([OutputFile(path, ({},), "i")], tmp_path / "out")


def test_crash_at_every_step_of_a_large_change_beside_a_git_dir(fast_tmp: Path) -> None:
    """With out/.git present a large change is journaled in place (no swap); a file of
    the old tree that must become a directory makes way first. SIGKILL before any
    mutation leaves, after recovery, the old or the new tree and .git untouched."""
    out = fast_tmp / "work" / "out"
    old = [*make_files(20), OutputFile("extra/x", ({"was": "file"},), "x1")]
    new = [*make_files(21, "v2"), OutputFile("extra/x/y.yaml", ({"now": "dir"},), "x2")]
    old_tree = {f.path: serialise(f) for f in old}
    new_tree = {f.path: serialise(f) for f in new}
    emit(old, out)
    git = _git_dir(out)
    total = _emit_in_fork(new, out, 0, swap_ok=True)
    assert _ours(out) == new_tree
    _assert_git(out, git)
    emit(old, out)
    seen = set()
    step = 1 if fast_tmp.is_relative_to("/dev/shm") else 5
    for k in range(1, total + 1, step):
        assert _emit_in_fork(new, out, k, swap_ok=True) == -1
        recover(out)
        state = _ours(out)
        assert state in (old_tree, new_tree), f"mixed tree after a crash at step {k}/{total}"
        _assert_git(out, git)
        seen.add("old" if state == old_tree else "new")
        emit(old, out)
    assert seen == {"old", "new"}
    assert emit(new, out).strategy == "in-place"
    assert _ours(out) == new_tree
    _assert_git(out, git)
