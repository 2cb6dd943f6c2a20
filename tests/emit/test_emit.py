"""emit: determinism, incremental no-op and one-file rebuilds, prune, check, safety."""

from __future__ import annotations

import itertools
import os
import random
import threading
from pathlib import Path

import pytest

from blueprintc.emit import EmitError, OutputFile, emit, serialise
from blueprintc.emit import tree as tree_module
from blueprintc.emit.fsutil import locked
from blueprintc.emit.manifest import Manifest
from blueprintc.emit.model import _check_path
from blueprintc.emit.ownership import OwnershipError

from .helpers import make_files, tree_bytes, tree_stats


def test_first_build_writes_every_file_and_a_sorted_manifest(tmp_path: Path) -> None:
    files = make_files(40)
    report = emit(files, tmp_path / "out")
    assert report.strategy == "swap"
    assert report.written == tuple(sorted(f.path for f in files))
    assert report.missing == report.written
    assert report.counts == {"written": 40, "unchanged": 0, "removed": 0, "serialised": 40}
    assert tree_bytes(tmp_path / "out") == {f.path: serialise(f) for f in files}
    assert (tmp_path / "out/.blueprintc/manifest.json").is_file()  # the index
    (shard,) = (tmp_path / "out/.blueprintc/owners").iterdir()  # one owner: "org"
    lines = shard.read_text().splitlines()
    paths = [line.split('"')[1] for line in lines if line.startswith('  "apps/')]
    assert paths == sorted(paths) and len(paths) == 40
    assert not [p for p in tmp_path.iterdir() if p.name != "out"]  # no temp dirs left


def test_serialise_is_byte_identical_across_calls() -> None:
    for f in make_files(5):
        assert serialise(f) == serialise(f)


def test_shuffled_plan_gives_identical_tree_and_manifest(tmp_path: Path) -> None:
    files = make_files(60)
    shuffled = list(files)
    random.Random(7).shuffle(shuffled)
    emit(files, tmp_path / "a")
    emit(shuffled, tmp_path / "b")
    assert tree_bytes(tmp_path / "a", state=True) == tree_bytes(tmp_path / "b", state=True)


def test_no_change_rebuild_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(50), out)
    before = tree_stats(out)
    parent_before = os.lstat(tmp_path).st_mtime_ns
    report = emit(make_files(50), out)
    assert report.strategy == "noop"
    assert report.written == () and report.removed == () and report.serialised == 0
    assert len(report.unchanged) == 50
    assert tree_stats(out) == before  # inodes, mtimes and ctimes of out/ and everything in it
    assert os.lstat(tmp_path).st_mtime_ns == parent_before  # no temp dir came and went


def test_one_changed_file_rewrites_only_that_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(50), out)
    before = tree_stats(out)
    report = emit(make_files(50, overrides={17: "v2"}), out)
    changed = make_files(50)[17].path
    assert report.strategy == "in-place"
    assert report.written == (changed,) and report.serialised == 1
    assert report.owners == ("org/app-04",)
    after = tree_stats(out)
    differing = {p for p in before if before[p] != after.get(p)}
    # the file, its directory (a rename in it), and our own state files
    assert {p for p in differing if not p.startswith(".blueprintc")} == {
        changed,
        os.path.dirname(changed),
    }
    assert before["."] == after["."]
    assert tree_bytes(out) == {f.path: serialise(f) for f in make_files(50, overrides={17: "v2"})}


def test_changed_inputs_with_identical_bytes_touch_only_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(10)
    emit(files, out)
    before = tree_stats(out)
    moved = [OutputFile(f.path, f.documents, f.inputs + "+", f.owner) for f in files]
    report = emit(moved, out)
    assert report.strategy == "manifest" and report.written == () and report.serialised == 10
    after = tree_stats(out)
    changed = {p for p in before if before[p] != after.get(p)}
    assert {p for p in changed if not p.startswith(".blueprintc/owners/")} <= {
        ".blueprintc",
        ".blueprintc/manifest.json",
        ".blueprintc/owners",
        ".blueprintc/seal",
    }
    assert emit(moved, out).strategy == "noop"


def test_hand_edited_file_is_restored_even_with_matching_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(10)
    emit(files, out)
    (out / files[3].path).write_text("edited\n")
    report = emit(files, out)
    assert report.written == (files[3].path,)
    assert (out / files[3].path).read_bytes() == serialise(files[3])


def test_large_change_swaps_the_tree_and_keeps_unchanged_inodes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(40), out)
    before = tree_stats(out)
    overrides = {i: "v2" for i in range(20)}
    report = emit(make_files(40, overrides=overrides), out)
    assert report.strategy == "swap" and len(report.written) == 20
    after = tree_stats(out)
    for f in make_files(40)[20:]:
        assert after[f.path][:2] == before[f.path][:2]  # hard-linked: same inode and mtime
    assert tree_bytes(out) == {f.path: serialise(f) for f in make_files(40, overrides=overrides)}


def test_a_tree_written_from_several_threads_is_the_tree_one_thread_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past tree.PARALLEL_WRITES_MIN files, a new tree is written from several threads:
    the same bytes, and unchanged files still hard-linked."""
    one = tmp_path / "one"
    emit(make_files(60), one)
    monkeypatch.setattr(tree_module, "PARALLEL_WRITES_MIN", 4)
    many = tmp_path / "many"
    emit(make_files(60), many)
    assert tree_bytes(many) == tree_bytes(one)
    assert (many / ".blueprintc/manifest.json").read_bytes() == (
        one / ".blueprintc/manifest.json"
    ).read_bytes()
    before = tree_stats(many)
    changed = make_files(60, overrides={i: "v2" for i in range(30)})
    assert emit(changed, many).strategy == "swap"
    after = tree_stats(many)
    for f in make_files(60)[30:]:
        assert after[f.path][:2] == before[f.path][:2]
    assert tree_bytes(many) == {f.path: serialise(f) for f in changed}


def test_prune_removes_files_no_longer_planned_and_empty_dirs(tmp_path: Path) -> None:
    """Pruning removes what the manifest records; a stray file blueprintc did not write
    is reported and kept (it used to be removed), and goes only with force_prune."""
    out = tmp_path / "out"
    emit(make_files(40), out)
    (out / "stray").mkdir()
    (out / "stray/notes.txt").write_text("x")
    report = emit(make_files(38), out)
    gone = [f.path for f in make_files(40)[38:]]
    assert report.removed == tuple(sorted(gone))
    assert report.unknown == ("stray/notes.txt",)
    assert report.strategy == "in-place"
    assert (out / "stray/notes.txt").read_text() == "x"
    assert set(tree_bytes(out)) == {f.path for f in make_files(38)} | {"stray/notes.txt"}
    forced = emit(make_files(38), out, force_prune=True)
    assert forced.removed == ("stray/notes.txt",) and forced.unknown == ()
    assert not (out / "stray").exists()
    assert set(tree_bytes(out)) == {f.path for f in make_files(38)}


def test_no_prune_keeps_unplanned_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(40), out)
    (out / "keep.txt").write_text("mine")
    report = emit(make_files(39), out, prune=False)
    assert report.removed == ()
    assert (out / "keep.txt").read_text() == "mine"
    assert (out / make_files(40)[39].path).exists()
    # A large change with a file blueprintc did not write in out/: journaled in place
    # (a new tree would not carry it over whole), and it is kept.
    report = emit(make_files(39, "v2"), out, prune=False)
    assert report.strategy == "in-place"
    assert (out / "keep.txt").read_text() == "mine"


def test_check_reports_stale_missing_and_extra_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(10), out)
    (out / make_files(10)[2].path).unlink()
    (out / "extra.yaml").write_text("x: 1\n")
    before = tree_stats(out)
    planned = make_files(11, overrides={5: "v2"})
    report = emit(planned, out, check=True)
    assert report.strategy == "check"
    assert report.missing == tuple(sorted([planned[2].path, planned[10].path]))
    assert report.stale == (planned[5].path,)
    assert report.extra == () and report.unknown == ("extra.yaml",)  # not ours: kept
    assert emit(planned, out, check=True, force_prune=True).extra == ("extra.yaml",)
    assert report.changed
    assert tree_stats(out) == before
    emit(planned, out)
    clean = emit(planned, out, check=True)
    assert not clean.changed and len(clean.unchanged) == 11


def test_check_on_a_missing_tree_reports_everything_missing(tmp_path: Path) -> None:
    report = emit(make_files(3), tmp_path / "nowhere" / "out", check=True)
    assert len(report.missing) == 3
    assert not (tmp_path / "nowhere").exists()


def test_symlinks_in_out_are_replaced_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("secret\n")
    files = make_files(10)
    emit(files, out)
    target = out / files[0].path
    target.unlink()
    target.symlink_to(outside / "secret.yaml")
    app_dir = out / files[1].path.split("/")[0]
    (out / "escape").symlink_to(outside, target_is_directory=True)
    report = emit(files, out)
    assert files[0].path in report.written and "escape" in report.unknown
    assert not target.is_symlink() and target.read_bytes() == serialise(files[0])
    assert (outside / "secret.yaml").read_text() == "secret\n"
    assert app_dir.is_dir()
    assert (out / "escape").is_symlink()  # not blueprintc's: kept, never followed
    assert "escape" in emit(files, out, force_prune=True).removed
    assert not os.path.lexists(out / "escape") and list(outside.iterdir()) == [
        outside / "secret.yaml"
    ]


def test_symlinked_directory_on_a_planned_path_is_replaced(tmp_path: Path) -> None:
    """A link blueprintc did not make where the plan needs a directory: refused unless
    force_prune, then replaced, never followed."""
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / ".blueprintc").mkdir(parents=True)  # an owned, empty tree
    (out / "apps").symlink_to(outside, target_is_directory=True)
    files = make_files(5)
    with pytest.raises(OwnershipError, match=r"apps.*--force-prune"):
        emit(files, out)
    assert (out / "apps").is_symlink() and list(outside.iterdir()) == []
    emit(files, out, force_prune=True)
    assert not (out / "apps").is_symlink()
    assert list(outside.iterdir()) == []
    assert tree_bytes(out) == {f.path: serialise(f) for f in files}


def test_refuses_an_out_that_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(EmitError, match="not a directory"):
        emit(make_files(1), tmp_path / "file")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(EmitError, match="not a directory"):
        emit(make_files(1), tmp_path / "link")
    assert list((tmp_path / "real").iterdir()) == []


@pytest.mark.parametrize(
    "path", ["/abs.yaml", "../up.yaml", "a//b.yaml", "a/./b", ".blueprintc/x", "", "a\\b"]
)
def test_refuses_unsafe_paths(tmp_path: Path, path: str) -> None:
    with pytest.raises(EmitError):
        emit([OutputFile(path, ({},), "i")], tmp_path / "out")


def _safe_by_parts(path: str) -> bool:
    """The path rule spelt out part by part: the compiled match must agree with it."""
    parts = path.split("/")
    return not (
        not path
        or "\\" in path
        or "\0" in path
        or any(p in ("", ".", "..") for p in parts)
        or any(p.startswith(".") for p in parts)
    )


def test_path_check_agrees_with_the_rule_part_by_part() -> None:
    pieces = ["a", "b.yaml", ".", "..", ".git", "", "a.b", "x..y", "\\", "\0", "é", " ", "\n"]
    paths = {"/".join(combo) for combo in itertools.product(pieces, repeat=3)}
    paths |= {"/".join(combo) for combo in itertools.product(pieces, repeat=2)}
    paths |= set(pieces) | {"/a", "a/", "a\\b", "a\0b", "a/.b/c", "a/b./c", "a\n/b"}
    for path in sorted(paths):
        if _safe_by_parts(path):
            _check_path(path)
        else:
            with pytest.raises(EmitError):
                _check_path(path)


def test_refuses_duplicate_and_clashing_paths(tmp_path: Path) -> None:
    with pytest.raises(EmitError, match="share"):
        emit([OutputFile("a.yaml", (), "1"), OutputFile("a.yaml", (), "2")], tmp_path / "o")
    with pytest.raises(EmitError, match="file and as a directory"):
        emit([OutputFile("a", (), "1"), OutputFile("a/b.yaml", (), "2")], tmp_path / "o")


def test_file_where_a_directory_is_planned_is_replaced(tmp_path: Path) -> None:
    """A file of the last emit where the plan now needs a directory makes way (swap, or
    in place when out/ holds a dot-dir); a file blueprintc did not write there refuses
    the emit unless force_prune."""
    out = tmp_path / "out"
    emit([OutputFile("apps", ({"was": "a file"},), "1")], out)
    files = make_files(3)
    report = emit(files, out)
    assert report.strategy == "swap" and "apps" in report.removed
    assert tree_bytes(out) == {f.path: serialise(f) for f in files}

    emit([OutputFile("apps", ({"was": "a file"},), "1")], out)
    (out / ".git").mkdir()
    report = emit(files, out)
    assert report.strategy == "in-place" and "apps" in report.removed
    assert tree_bytes(out) == {f.path: serialise(f) for f in files}
    assert (out / ".git").is_dir()

    other = tmp_path / "other"
    (other / ".blueprintc").mkdir(parents=True)
    (other / "apps").write_text("in the way")
    with pytest.raises(OwnershipError, match="apps"):
        emit(files, other)
    assert (other / "apps").read_text() == "in the way"
    report = emit(files, other, force_prune=True)
    assert "apps" in report.removed
    assert tree_bytes(other) == {f.path: serialise(f) for f in files}


def test_unserialisable_data_fails_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(3), out)
    before = tree_stats(out)
    bad = [*make_files(3, "v2"), OutputFile("bad.yaml", ({"when": {1, 2}},), "x")]
    with pytest.raises(TypeError, match="set"):
        emit(bad, out)
    assert tree_stats(out) == before


def test_lazy_documents_are_built_only_on_a_cache_miss(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(5)
    emit(files, out)
    calls: list[str] = []

    def lazy(f: OutputFile, inputs: str) -> OutputFile:
        def build() -> tuple[object, ...]:
            calls.append(f.path)
            return f.documents

        return OutputFile(f.path, (), inputs, f.owner, build)

    assert emit([lazy(f, f.inputs) for f in files], out).strategy == "noop"
    assert calls == []
    (out / files[2].path).write_text("tampered\n")
    report = emit([lazy(f, f.inputs) for f in files], out)
    assert calls == [files[2].path] and report.written == (files[2].path,)
    assert (out / files[2].path).read_bytes() == serialise(files[2])


def test_concurrent_emits_into_one_tree_take_turns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(5), out)
    done = threading.Event()

    def second_emit() -> None:
        emit(make_files(5, "v2"), out)
        done.set()

    worker = threading.Thread(target=second_emit)
    with locked(tmp_path, exclusive=True):  # another emit holds the tree
        worker.start()
        assert not done.wait(0.3)
        assert tree_bytes(out) == {f.path: serialise(f) for f in make_files(5)}
    worker.join(10)
    assert done.is_set()
    assert tree_bytes(out) == {f.path: serialise(f) for f in make_files(5, "v2")}


def test_a_symlinked_state_dir_is_neither_read_nor_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(3)
    emit(files, out)
    elsewhere = tmp_path / "elsewhere"
    (out / ".blueprintc").rename(elsewhere)
    (out / ".blueprintc").symlink_to(elsewhere, target_is_directory=True)
    before = tree_bytes(elsewhere)
    assert Manifest.load(out).files == {}
    report = emit(files, out)
    assert report.written == () and report.strategy == "manifest"
    assert not (out / ".blueprintc").is_symlink()
    assert tree_bytes(elsewhere) == before
    assert set(Manifest.load(out).files) == {f.path for f in files}


def test_same_size_edit_is_caught_by_mtime_and_trust_stat_false_rehashes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(10)
    emit(files, out)
    target = out / files[3].path
    original = target.read_bytes()
    target.write_bytes(original.replace(b"v", b"w", 1))  # same size, new mtime
    assert emit(files, out).written == (files[3].path,)
    assert target.read_bytes() == original
    stat = os.stat(target)
    target.write_bytes(original.replace(b"v", b"w", 1))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # forge the old mtime
    assert emit(files, out).written == ()  # trusted: the stat matches
    assert emit(files, out, trust_stat=False).written == (files[3].path,)
