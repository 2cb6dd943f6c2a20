"""patch: replace a few owners' files in a sealed out/, or decline."""

from __future__ import annotations

from pathlib import Path

from blueprintc.emit import OutputFile, emit
from blueprintc.emit.manifest import Manifest, ManifestIndex
from blueprintc.emit.patch import patch
from blueprintc.emit.seal import Seal

from .helpers import tree_bytes, tree_stats


def _files(a_value: str = "v1") -> list[OutputFile]:
    files = [OutputFile(f"a/x/f{i}.yaml", ({"v": a_value},), f"a-{a_value}", "a") for i in range(3)]
    files += [OutputFile(f"b/y/f{i}.yaml", ({"v": "v1"},), "b-v1", "b/app") for i in range(3)]
    return files


def _sealed(tmp_path: Path) -> tuple[Path, Seal, ManifestIndex]:
    out = tmp_path / "out"
    emit(_files(), out, fingerprint="one")
    sealed, index = Seal.load(out), ManifestIndex.load(out)
    assert sealed is not None and index is not None
    return out, sealed, index


def test_patch_writes_only_the_owner_and_matches_a_full_emit(tmp_path: Path) -> None:
    out, sealed, index = _sealed(tmp_path)
    before = tree_stats(out)
    new = [f for f in _files("v2") if f.owner == "a"]
    report = patch(out, new, {"a"}, sealed, index, "two")
    assert report is not None and report.strategy == "in-place"
    assert report.written == ("a/x/f0.yaml", "a/x/f1.yaml", "a/x/f2.yaml")
    after = tree_stats(out)
    assert all(after[p] == before[p] for p in before if p.startswith("b"))
    emit(_files("v2"), tmp_path / "full")
    assert tree_bytes(out) == tree_bytes(tmp_path / "full")
    assert Manifest.load(out) == Manifest.load(tmp_path / "full")
    resealed = Seal.load(out)
    assert resealed is not None and resealed.fingerprint == "two" and resealed.untouched(out)


def test_patch_with_the_same_files_writes_nothing_but_the_seal(tmp_path: Path) -> None:
    out, sealed, index = _sealed(tmp_path)
    before = tree_bytes(out)
    report = patch(out, [f for f in _files() if f.owner == "a"], {"a"}, sealed, index, "two")
    assert report is not None and report.strategy == "noop" and report.written == ()
    assert tree_bytes(out) == before


def test_patch_declines_collisions_and_touched_trees(tmp_path: Path) -> None:
    out, sealed, index = _sealed(tmp_path)
    onto_b = [OutputFile("b/y/f0.yaml", ({"v": 1},), "a-v3", "a")]  # another owner's file
    assert patch(out, onto_b, {"a"}, sealed, index, "two") is None
    under_b = [OutputFile("b/y/f0.yaml/z.yaml", ({"v": 1},), "a-v3", "a")]  # file as dir
    assert patch(out, under_b, {"a"}, sealed, index, "two") is None
    foreign = [OutputFile("a/x/f0.yaml", ({"v": 1},), "a-v3", "c")]  # owner not patched
    assert patch(out, foreign, {"a"}, sealed, index, "two") is None
    (out / "b/y/f1.yaml").write_text("v: hand\n")
    new = [f for f in _files("v2") if f.owner == "a"]
    assert patch(out, new, {"a"}, sealed, index, "two") is None
    assert (out / "a/x/f0.yaml").read_text() == "v: v1\n"  # nothing written
