"""Reading and extracting untrusted archives: every escape is refused, nothing is left behind."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from blueprintc.oci import UnsafeArchiveError, read_archive, safe_extract
from blueprintc.oci.tarball import Entry, tar_gz, tree_entries


def _archive(*members: tuple[str, bytes | str | None, bytes]) -> bytes:
    """Members as (name, kind, payload); kind: file, dir, sym, lnk, chr, fifo."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                continue
            info.type = {
                "dir": tarfile.DIRTYPE,
                "sym": tarfile.SYMTYPE,
                "lnk": tarfile.LNKTYPE,
                "chr": tarfile.CHRTYPE,
                "fifo": tarfile.FIFOTYPE,
            }[kind]  # type: ignore[index]
            info.linkname = payload.decode()
            tar.addfile(info)
    return buf.getvalue()


UNSAFE = {
    "absolute path": _archive(("/etc/passwd", "file", b"x")),
    "parent traversal": _archive(("a/../../escape", "file", b"x")),
    "symlink outside": _archive(("link", "sym", b"../../etc")),
    "absolute symlink": _archive(("link", "sym", b"/etc/passwd")),
    "write through symlink": _archive(
        ("d", "sym", b"sub"), ("sub", "dir", b""), ("d/f", "file", b"x")
    ),
    "hardlink outside": _archive(("h", "lnk", b"../outside")),
    "hardlink to nothing": _archive(("h", "lnk", b"missing")),
    "device file": _archive(("dev", "chr", b"")),
    "fifo": _archive(("pipe", "fifo", b"")),
    "duplicate member": _archive(("a", "file", b"1"), ("a", "file", b"2")),
    "symlink chain escaping": _archive(("s2", "sym", b"."), ("s1", "sym", b"s2/..")),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_archives_are_refused(case: str, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchiveError):
        safe_extract(UNSAFE[case], dest)
    assert not dest.exists() or not any(dest.iterdir())
    assert [p.name for p in tmp_path.iterdir()] in ([], ["dest"])  # temp dir cleaned up
    if case != "symlink chain escaping":  # caught by the file-system check only
        with pytest.raises(UnsafeArchiveError):
            read_archive(UNSAFE[case])


def test_size_limit_and_garbage(tmp_path: Path) -> None:
    big = _archive(("a", "file", b"x" * 2000))
    with pytest.raises(UnsafeArchiveError, match="expands beyond"):
        read_archive(big, max_bytes=1000)
    with pytest.raises(UnsafeArchiveError, match="not a readable tar"):
        read_archive(b"definitely not a tarball")


def test_internal_links_and_dot_slash_names_are_fine(tmp_path: Path) -> None:
    ok = _archive(
        ("./dir", "dir", b""),
        ("./dir/file.yaml", "file", b"a: 1\n"),
        ("dir/alias.yaml", "sym", b"file.yaml"),
        ("hard.yaml", "lnk", b"dir/file.yaml"),
    )
    files = safe_extract(ok, tmp_path / "x")
    assert sorted(files) == ["dir/file.yaml"]
    assert (tmp_path / "x" / "dir" / "alias.yaml").read_text() == "a: 1\n"
    assert (tmp_path / "x" / "hard.yaml").read_text() == "a: 1\n"
    assert read_archive(ok) == {"dir/file.yaml": b"a: 1\n"}


def test_target_must_be_empty(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep").write_text("mine")
    with pytest.raises(UnsafeArchiveError, match="not an empty directory"):
        safe_extract(tar_gz([Entry("a", b"1")]), tmp_path / "full")
    assert (tmp_path / "full" / "keep").read_text() == "mine"


def test_building_refuses_symlinks_and_keeps_exec_bit(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "run.sh").write_text("#!/bin/sh\n")
    (tree / "run.sh").chmod(0o755)
    (tree / "empty").mkdir()
    entries = tree_entries(tree)
    assert [(e.name, e.executable) for e in entries] == [("empty", False), ("run.sh", True)]
    (tree / "link").symlink_to("/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="regular files only"):
        tree_entries(tree)
