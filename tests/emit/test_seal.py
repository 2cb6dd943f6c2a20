"""A sealed tree answers "same inputs, untouched out/?" from stats alone, and any edit,
addition, removal or pending journal breaks the seal."""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from blueprintc.emit import OutputFile, emit, is_sealed, seal
from blueprintc.emit.seal import SEAL, Seal


def _sealed_tree(tmp_path: Path) -> tuple[Path, list[str]]:
    out = tmp_path / "out"
    files = [OutputFile(f"a/b/f{i}.yaml", ({"v": i},), "x") for i in range(5)]
    emit(files, out)
    paths = [f.path for f in files]
    seal(out, "inputs-1", paths)
    return out, paths


def test_untouched_tree_with_the_same_fingerprint_is_sealed(tmp_path: Path) -> None:
    out, paths = _sealed_tree(tmp_path)
    assert is_sealed(out, "inputs-1") == sorted(paths)
    assert is_sealed(out, "inputs-2") is None


def test_edit_addition_removal_and_journal_break_the_seal(tmp_path: Path) -> None:
    out, _ = _sealed_tree(tmp_path)
    (out / "a/b/f1.yaml").write_text("v: 100\n")
    assert is_sealed(out, "inputs-1") is None

    out, _ = _sealed_tree(tmp_path / "2")
    (out / "a/b/extra.yaml").write_text("x: 1\n")
    assert is_sealed(out, "inputs-1") is None

    out, _ = _sealed_tree(tmp_path / "3")
    (out / "a/b/f2.yaml").unlink()
    assert is_sealed(out, "inputs-1") is None

    out, _ = _sealed_tree(tmp_path / "4")
    (out / ".blueprintc/journal.json").write_text("{}")
    assert is_sealed(out, "inputs-1") is None


def test_an_updated_seal_equals_one_recorded_from_scratch(tmp_path: Path) -> None:
    """Seal.updated re-stats only what changed, yet gives the seal Seal.record would."""
    out, _ = _sealed_tree(tmp_path)
    sealed = Seal.load(out)
    assert sealed is not None
    (out / "a/b/f1.yaml").write_text("v: 2\n")  # rewritten
    (out / "a/b/f3.yaml").unlink()  # removed
    (out / "a/c").mkdir()
    (out / "a/c/g.yaml").write_text("v: 3\n")  # added, in a new directory
    (out / "a/b/f4.yaml").unlink()
    files = ["a/b/f0.yaml", "a/b/f1.yaml", "a/b/f2.yaml", "a/c/g.yaml"]
    updated = sealed.updated(
        out, "inputs-2", ["a/b/f1.yaml", "a/c/g.yaml"], ["a/b/f3.yaml", "a/b/f4.yaml"]
    )
    assert updated == Seal.record(out, "inputs-2", files)
    assert updated.files() == files and updated.untouched(out)


def test_out_replaced_by_a_symlink_is_not_sealed(tmp_path: Path) -> None:
    out, _ = _sealed_tree(tmp_path)
    real = tmp_path / "real"
    out.rename(real)
    out.symlink_to(real)
    assert is_sealed(out, "inputs-1") is None


def test_a_seal_reads_back_as_written_awkward_paths_included(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".blueprintc").mkdir(parents=True)
    names = ["", "a", "a/ü.yaml", "a/new\nline.yaml", "a/\udcff.yaml", "b", "b/x y.yaml"]
    stats = array("q", range(len(names) * 4))
    Seal("fingerprint with spaces", names, stats).write(out)
    assert Seal.load(out) == Seal("fingerprint with spaces", names, stats)
    Seal("empty", [], array("q")).write(out)
    assert Seal.load(out) == Seal("empty", [], array("q"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-1],  # the stat array cut short
        lambda raw: raw + b"\0" * 8,  # one int64 too many
        lambda raw: raw.replace(b"a/f1.yaml", b"a/f1\0yaml"),  # one more path than counted
        lambda raw: raw.replace(b'"version": 3', b'"version": 2'),
        lambda raw: raw.split(b"\n", 1)[1],  # no header
        lambda raw: b"",
    ],
)
def test_a_damaged_seal_is_no_seal(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    out = tmp_path / "out"
    (out / ".blueprintc").mkdir(parents=True)
    Seal("f", ["", "a", "a/f1.yaml"], array("q", range(12))).write(out)
    path = out / SEAL
    assert Seal.load(out) is not None
    path.write_bytes(damage(path.read_bytes()))
    assert Seal.load(out) is None


def test_version_2s_seal_file_is_not_trusted_and_goes_with_the_next_write(
    tmp_path: Path,
) -> None:
    out, paths = _sealed_tree(tmp_path)
    (out / SEAL).rename(out / ".blueprintc/seal.json")
    assert is_sealed(out, "inputs-1") is None
    emit([OutputFile(p, ({"v": 9},), "y") for p in paths], out)
    seal(out, "inputs-2", paths)
    assert not (out / ".blueprintc/seal.json").exists()
    assert is_sealed(out, "inputs-2") == sorted(paths)


def _aged_sealed_tree(tmp_path: Path) -> Path:
    """A sealed tree of two tops whose directories' mtimes are long past, so that any
    entry added or removed below one moves its mtime (not within compile's own tick)."""
    out = tmp_path / "out"
    files = [OutputFile(p, ({"v": 1},), "x") for p in ("repos/o/a/b/f.yaml", "repos/o/g.yaml")]
    files.append(OutputFile("system/s.yaml", ({"v": 2},), "x"))
    emit(files, out)
    for directory in ("repos/o/a/b", "repos/o/a", "repos/o", "repos", "system"):
        os.utime(out / directory, ns=(1_000_000_000, 1_000_000_000))
    seal(out, "inputs-1", [f.path for f in files])
    return out


@pytest.mark.parametrize(
    "change",
    [
        lambda out: (out / "repos/o/a/b/stray.yaml").write_text("kind: Secret\n"),
        lambda out: (out / "repos/o/a/b/f.yaml").unlink(),
        lambda out: (
            (out / "repos/o/a/b/f.yaml").unlink() or os.symlink("/etc", out / "repos/o/a/b/f.yaml")
        ),
        lambda out: (out / "repos/o/a/b/f.yaml").rename(out / "repos/o/a/b/g.yaml"),
        lambda out: (out / "repos/o/new").mkdir(),
        lambda out: os.mkfifo(out / "repos/o/a/fifo"),
        lambda out: (out / "vclusters").mkdir(),  # a top the seal does not hold
        lambda out: (out / ".blueprintc/journal.json").write_text("{}"),
    ],
    ids=["stray", "removed", "link", "renamed", "directory", "fifo", "new-top", "journal"],
)
def test_an_entry_added_removed_or_replaced_below_the_tops_is_seen(
    tmp_path: Path, change: Callable[[Path], object]
) -> None:
    out = _aged_sealed_tree(tmp_path)
    sealed = Seal.load(out)
    assert sealed is not None and sealed.entries_untouched_below(out, ("repos", "vclusters"))
    change(out)
    assert not sealed.entries_untouched_below(out, ("repos", "vclusters"))


def test_entries_below_other_tops_or_a_files_bytes_are_not_what_it_proves(
    tmp_path: Path,
) -> None:
    """A stray outside the tops (out/git, system/) is not the tops'; a file rewritten in
    place keeps its directory's mtime: its reader checks its sha256."""
    out = _aged_sealed_tree(tmp_path)
    sealed = Seal.load(out)
    assert sealed is not None
    (out / "git").mkdir()
    (out / "system/stray.yaml").write_text("x: 1\n")
    (out / "repos/o/a/b/f.yaml").write_text("v: 100\n")
    assert sealed.entries_untouched_below(out, ("repos", "vclusters"))


def test_a_preserved_top_level_entry_made_or_removed_since_is_no_touch(tmp_path: Path) -> None:
    """deliver's out/git/ (or publish's out/oci/) changes out/'s own mtime and nothing
    else: a compile that preserves them still finds the tree sealed. Anything else new
    at the top, or any change below it, still breaks the seal."""
    out, _ = _sealed_tree(tmp_path)
    (out / "git").mkdir()
    (out / "git/org").mkdir()
    sealed = Seal.load(out)
    assert sealed is not None
    assert not sealed.untouched(out)  # without the names: out/'s mtime moved
    assert sealed.untouched(out, ("git", "oci"))
    assert is_sealed(out, "inputs-1") is None
    (out / "git/org").rmdir()
    (out / "git").rmdir()
    assert sealed.untouched(out, ("git", "oci"))  # gone again: as sealed, bar the mtime

    (out / "stray.yaml").write_text("{}\n")
    assert not sealed.untouched(out, ("git", "oci"))
    (out / "stray.yaml").unlink()
    (out / "oci").mkdir()
    (out / "a/b/f1.yaml").write_text("v: 100\n")
    assert not sealed.untouched(out, ("git", "oci"))
