"""Top-level dirs that other commands own survive emit, in-place and swap alike."""

from __future__ import annotations

from pathlib import Path

from blueprintc.emit import OutputFile, emit


def _files(n: int, value: str) -> list[OutputFile]:
    return [OutputFile(f"a/f{i}.yaml", ({"v": value},), value) for i in range(n)]


def test_preserved_dirs_survive_in_place_and_swap(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(_files(40, "one"), out)
    blob = out / "oci" / "repo" / "blobs" / "sha256" / "abc"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"layer")
    (out / "stray.yaml").write_text("x: 1\n")

    checked = emit(_files(40, "one"), out, check=True, preserve=["oci"])
    assert checked.removed == () and checked.unknown == ("stray.yaml",)

    small = emit(
        [*_files(39, "one"), OutputFile("a/f39.yaml", ({"v": 2},), "two")], out, preserve=["oci"]
    )
    assert small.strategy == "in-place"
    assert blob.read_bytes() == b"layer"
    assert (out / "stray.yaml").read_text() == "x: 1\n"  # not blueprintc's: kept

    # A large change: in place too, since a new tree would not carry oci/ over whole
    # (its empty directories, special files); the preserved tree keeps every entry.
    (blob.parent / "empty").mkdir()
    big = emit(_files(40, "three"), out, preserve=["oci"])
    assert big.strategy == "in-place"
    assert blob.read_bytes() == b"layer"
    assert (blob.parent / "empty").is_dir()
    assert "oci/repo/blobs/sha256/abc" not in big.removed
