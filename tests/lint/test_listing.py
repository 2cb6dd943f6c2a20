"""`listing` lists what `Path.rglob` and `os.walk` list, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blueprintc import listing


def _tree(root: Path) -> None:
    for rel in ("a/x.yaml", "a-b/x.yaml", "a.b/y.txt", "b/charts/c/z.yaml", ".hidden.yaml", "c."):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "link-dir").symlink_to(root / "a")
    (root / "link-file.yaml").symlink_to(root / "a" / "x.yaml")
    os.mkfifo(root / "fifo")


def test_files_below_matches_sorted_rglob(tmp_path: Path) -> None:
    _tree(tmp_path)
    expected = [p for p in sorted(tmp_path.rglob("*")) if p.is_file()]
    assert listing.files_below(tmp_path, listing.is_file) == expected


def test_walk_matches_os_walk(tmp_path: Path) -> None:
    _tree(tmp_path)
    expected = [(base, sorted(dirs + files)) for base, dirs, files in os.walk(tmp_path)]
    got = [
        (
            os.path.join(tmp_path, *parts) if parts else str(tmp_path),
            sorted(e.name for e in entries),
        )
        for parts, entries in listing.walk(tmp_path)
    ]
    assert got == expected


def test_suffix_matches_pathlib() -> None:
    for name in ("a.yaml", ".yaml", "a.", "a", "a.b.c", "..", "a..b"):
        assert listing.suffix(name) == Path(name).suffix, name


def test_shared_scans_list_each_directory_once_and_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    plain = listing.files_below(tmp_path, listing.is_file)
    listed: list[str] = []
    scan = listing.scan

    def counting(directory: str) -> listing.Entries | None:
        listed.append(directory)
        return scan(directory)

    monkeypatch.setattr(listing, "scan", counting)
    scans = listing.Scans()
    assert listing.files_below(tmp_path, listing.is_file, lister=scans) == plain
    assert listing.files_below(tmp_path, listing.is_file, lister=scans) == plain
    assert sorted(listed) == sorted(base for base, _, _ in os.walk(tmp_path))
