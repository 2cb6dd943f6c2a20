"""Deterministic tar+gzip archives, and their safe reading and extraction.

Built archives depend only on file names, contents and the executable bit:
entries sorted, mtime 0, uid/gid 0, no owner names, gzip mtime 0 and no name.
Reading refuses absolute paths, ``..``, links leaving the tree, device files,
duplicate names and archives over the size or member limits.
"""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import UnsafeArchiveError

MAX_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 100_000


@dataclass(frozen=True)
class Entry:
    """One archive entry: a file (``data`` set) or a directory (``data`` None)."""

    name: str
    data: bytes | None = None
    executable: bool = False


def tree_entries(root: Path) -> list[Entry]:
    """Files and directories under ``root``, relative names, sorted; symlinks refused."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory")
    entries: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if stat.S_ISDIR(st.st_mode):
                entries.append(Entry(rel))
            elif stat.S_ISREG(st.st_mode):
                entries.append(Entry(rel, path.read_bytes(), bool(st.st_mode & 0o111)))
            else:
                raise UnsafeArchiveError(
                    f"{path} is not a regular file or directory (symlink or special file); "
                    "artifacts hold regular files only: copy the content instead"
                )
    return sorted(entries, key=lambda e: e.name)


def files_entries(files: Mapping[str, bytes]) -> list[Entry]:
    """Entries for an in-memory tree ``{"dir/file.yaml": b"..."}``, parents included."""
    out: dict[str, Entry] = {}
    for name, data in files.items():
        clean = _check_name(name)
        parts = clean.split("/")
        for i in range(1, len(parts)):
            out.setdefault("/".join(parts[:i]), Entry("/".join(parts[:i])))
        out[clean] = Entry(clean, data)
    return [out[k] for k in sorted(out)]


def tar_gz(entries: list[Entry]) -> bytes:
    """The uncompressed tar of ``entries`` (sorted by name), gzipped deterministically."""
    return gzip_deterministic(tar_bytes(entries))


def tar_bytes(entries: list[Entry]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(entries, key=lambda e: e.name):
            info = tarfile.TarInfo(entry.name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if entry.data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o755 if entry.executable else 0o644
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
    return buf.getvalue()


def gzip_deterministic(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _check_name(name: str) -> str:
    """Normalise a member name; refuse absolute paths, ``..`` and empty names."""
    if "\\" in name or "\x00" in name:
        raise UnsafeArchiveError(f"archive member {name[:200]!r} has a backslash or NUL byte")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchiveError(f"archive member {name[:200]!r} has an absolute path")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError(f"archive member {name[:200]!r} climbs out with '..'")
    if not parts:
        raise UnsafeArchiveError(f"archive member {name[:200]!r} has an empty path")
    return "/".join(parts)


def _inside(base_dir: str, target: str) -> bool:
    joined = posixpath.normpath(posixpath.join(base_dir, target))
    return not (joined == ".." or joined.startswith("../") or joined.startswith("/"))


def checked_members(
    tar: tarfile.TarFile, *, max_bytes: int = MAX_BYTES, max_members: int = MAX_MEMBERS
) -> list[tuple[str, tarfile.TarInfo]]:
    """Validate every member before anything is written; return (clean name, member)."""
    seen: dict[str, tarfile.TarInfo] = {}
    links: set[str] = set()
    total = 0
    for member in tar:
        if len(seen) >= max_members:
            raise UnsafeArchiveError(f"archive has more than {max_members} members")
        if member.type in (tarfile.XHDTYPE, tarfile.XGLTYPE):
            continue
        name = _check_name(member.name)
        if name in seen:
            raise UnsafeArchiveError(f"archive member {name!r} appears twice")
        if any(name.startswith(link + "/") for link in links):
            raise UnsafeArchiveError(f"archive member {name!r} is written through a link")
        if member.issym():
            if member.linkname.startswith("/") or not _inside(
                posixpath.dirname(name), member.linkname
            ):
                raise UnsafeArchiveError(
                    f"symlink {name!r} points outside the archive ({member.linkname[:200]!r})"
                )
            links.add(name)
        elif member.islnk():
            try:
                target = _check_name(member.linkname)
            except UnsafeArchiveError:
                raise UnsafeArchiveError(
                    f"hardlink {name!r} points outside the archive ({member.linkname[:200]!r})"
                ) from None
            if target not in seen or not seen[target].isreg():
                raise UnsafeArchiveError(
                    f"hardlink {name!r} does not point at an earlier file of the archive"
                )
            links.add(name)
        elif not (member.isreg() or member.isdir()):
            raise UnsafeArchiveError(
                f"archive member {name!r} is a device, FIFO or other special file"
            )
        total += max(member.size, 0)
        if total > max_bytes:
            raise UnsafeArchiveError(f"archive expands beyond {max_bytes} bytes")
        seen[name] = member
    return list(seen.items())


def _open(archive: bytes) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=io.BytesIO(archive), mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise UnsafeArchiveError(f"not a readable tar archive: {exc}") from None


def read_archive(archive: bytes, *, max_bytes: int = MAX_BYTES) -> dict[str, bytes]:
    """The regular files of a (gzipped) tar, in memory: ``{name: content}``."""
    with _open(archive) as tar:
        members = checked_members(tar, max_bytes=max_bytes)
        out: dict[str, bytes] = {}
        for name, member in members:
            if member.isreg():
                handle = tar.extractfile(member)
                out[name] = handle.read() if handle else b""
    return out


def safe_extract(archive: bytes, dest: Path, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """Extract into ``dest`` (absent or empty); return the names of the regular files.

    Every member is validated before anything is written; extraction also runs
    tarfile's ``data`` filter, which re-checks links against the real file
    system. Work happens in a sibling temp directory renamed into place, so a
    refused archive leaves nothing behind.
    """
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UnsafeArchiveError(f"extraction target {dest} is not an empty directory")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.tmp-"))
    work.chmod(0o755)
    try:
        with _open(archive) as tar:
            members = checked_members(tar, max_bytes=max_bytes)
            for name, member in members:
                member.name = name
                if member.islnk():
                    member.linkname = _check_name(member.linkname)
            try:
                tar.extractall(work, members=[m for _, m in members], filter="data")
            except tarfile.FilterError as exc:
                raise UnsafeArchiveError(f"refused archive member: {exc}") from None
        if dest.exists():
            dest.rmdir()
        os.replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return [name for name, member in members if member.isreg()]
