"""A sealed tree answers "same inputs, untouched out/?" from stats alone, and any edit,
addition, removal or pending journal breaks the seal."""

from __future__ import annotations

from pathlib import Path

from blueprintc.emit import OutputFile, emit, is_sealed, seal


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
