"""fsutil's safe writes and reads: never through a link, never blocking, always capped."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from blueprintc.emit.fsutil import (
    AnchoredReader,
    FileTooLarge,
    LinkInPath,
    NotRegularFile,
    opened_dir,
    read_file,
    write_file,
)


def test_write_file_replaces_a_planted_link_and_leaves_its_target(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "f").symlink_to(target)

    assert write_file(tmp_path / "out" / "f", b"new", mode=0o600)

    assert target.read_bytes() == b"precious"
    info = os.lstat(tmp_path / "out" / "f")
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert sorted(os.listdir(tmp_path / "out")) == ["f"]  # no temp file left behind


def test_write_file_refuses_a_link_between_anchor_and_file(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "build").symlink_to(elsewhere)

    with pytest.raises(LinkInPath, match="out/build is a symbolic link"):
        write_file(out / "build" / "x.json", b"{}", anchor=out)
    with pytest.raises(LinkInPath):
        write_file(out / "build" / "x.json", b"{}", anchor=out / "build")
    assert os.listdir(elsewhere) == []


def test_write_file_without_replace_never_clobbers(tmp_path: Path) -> None:
    (tmp_path / "k").symlink_to(tmp_path / "dangling")
    with pytest.raises(FileExistsError):
        write_file(tmp_path / "k", b"x", replace=False)
    assert not (tmp_path / "dangling").exists()
    assert sorted(os.listdir(tmp_path)) == ["k"]


def test_write_file_skips_identical_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "f"
    assert write_file(path, b"same", anchor=tmp_path / "a")
    inode = path.stat().st_ino
    assert not write_file(path, b"same", anchor=tmp_path / "a")
    assert path.stat().st_ino == inode


def test_opened_dir_creates_missing_directories(tmp_path: Path) -> None:
    with opened_dir(tmp_path / "x" / "y" / "z", anchor=tmp_path / "x", create=True) as fd:
        assert stat.S_ISDIR(os.fstat(fd).st_mode)
    assert (tmp_path / "x" / "y" / "z").is_dir()


def test_read_file_refuses_fifo_and_device_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile, match="is a FIFO"):
        read_file(tmp_path / "fifo", 1024)
    with pytest.raises(NotRegularFile, match="is a device"):
        read_file(Path("/dev/zero"), 1024)


def test_read_file_caps_the_size(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 2048)
    with pytest.raises(FileTooLarge, match="1,024-byte limit"):
        read_file(tmp_path / "big", 1024)
    assert read_file(tmp_path / "big", 2048) == b"x" * 2048


def test_read_file_follows_links_only_without_an_anchor(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"key")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_file(tmp_path / "link", 64) == b"key"  # a user-named file: a mounted Secret
    with pytest.raises(LinkInPath):
        read_file(tmp_path / "link", 64, anchor=tmp_path)


def test_anchored_reader_reads_as_read_file_does_directory_after_directory(
    tmp_path: Path,
) -> None:
    root = tmp_path / "out"
    for folder in ("", "a", "a/b", "c"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "f.yaml").write_bytes(f"in {folder or '.'}\n".encode())
    (root / "a/big").write_bytes(b"x" * 100)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/f.yaml").write_bytes(b"outside\n")
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "a/link.yaml").symlink_to(root / "f.yaml")
    os.mkfifo(root / "c/fifo")
    with AnchoredReader(root, 64) as files:
        for path in ["f.yaml", "a/f.yaml", "a/b/f.yaml", "a/f.yaml", "c/f.yaml", "f.yaml"]:
            assert files.read(path) == read_file(root / path, 64, anchor=root)
        with pytest.raises(LinkInPath):
            files.read("linked/f.yaml")  # a link on the way
        with pytest.raises(LinkInPath):
            files.read("a/link.yaml")  # a link at the file, in the directory held open
        with pytest.raises(NotRegularFile):
            files.read("c/fifo")
        with pytest.raises(FileTooLarge):
            files.read("a/big")
        with pytest.raises(FileNotFoundError):
            files.read("a/missing.yaml")
        assert files.read("a/b/f.yaml") == b"in a/b\n"
    held = len(os.listdir("/proc/self/fd"))
    files = AnchoredReader(root, 64)
    files.read("a/b/f.yaml")
    assert len(os.listdir("/proc/self/fd")) == held + 1  # one directory held, no more
    files.close()
    assert len(os.listdir("/proc/self/fd")) == held
