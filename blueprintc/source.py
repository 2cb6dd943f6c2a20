"""Reading untrusted workspace files safely.

Every refusal is an `InputError` carrying the input rule id, so the engine can
turn it into a diagnostic at the right place instead of a traceback.
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024


class InputError(Exception):
    """A file that cannot be read as workspace input; carries the rule id and a fix."""

    def __init__(
        self, rule: str, message: str, path: str, line: int = 1, column: int = 1, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class SourceFile:
    """A decoded text file: `rel` is its path relative to the workspace root (posix)."""

    path: Path
    rel: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""


def relative_name(path: Path, root: Path) -> str:
    """Workspace-relative posix path used in every diagnostic (absolute when outside)."""
    name, top = os.fspath(path), os.fspath(root)
    if os.sep == "/" and len(top) > 1 and name.startswith(top) and name[len(top) :][:1] == "/":
        return name[len(top) + 1 :]  # what relative_to gives, without making paths
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=4096)
def _real_dir(directory: str) -> str:
    return os.path.realpath(directory)


def _under_real_root(path: str, root: Path) -> bool:
    """`path` (absolute, resolved) is root's real path or below it."""
    top = _real_dir(str(root))
    return path == top or path.startswith(top + os.sep)


def _in_plain_directory(path: Path, root: Path) -> str | None:
    """The absolute path, when `path` sits in a link-free directory under root.

    Directory resolutions are cached for the process: every file of a chart
    shares a handful of directories.
    """
    if ".." in path.parts:  # `link/..` is not what abspath says it is: take the slow path
        return None
    absolute = os.path.abspath(path)
    directory, _ = os.path.split(absolute)
    inside = _under_real_root(directory, root)
    return absolute if inside and _real_dir(directory) == directory else None


def _plainly_inside(path: Path, root: Path) -> bool:
    """The common case, cheaply: a non-link file in a link-free directory under root."""
    absolute = _in_plain_directory(path, root)
    return absolute is not None and not os.path.islink(absolute)


def _plain_stat(path: Path, root: Path) -> os.stat_result | None:
    """The status of a non-link file in a link-free directory under root (what `os.stat`
    says of it: one `lstat` answers both questions); None when it is not that."""
    absolute = _in_plain_directory(path, root)
    if absolute is None:
        return None
    try:
        info = os.lstat(absolute)
    except OSError:
        return None
    return None if stat.S_ISLNK(info.st_mode) else info


def check_inside(path: Path, root: Path) -> None:
    """Refuse paths that leave the workspace (by `..`, an absolute path or a symbolic
    link anywhere along the way) and links that dangle or loop."""
    if _plainly_inside(path, root) or _resolves_inside(path, root):
        return
    rel = relative_name(path, root)
    root = root.resolve()
    link = _first_link(path.absolute(), root)
    try:
        target = path.resolve(strict=link is not None)
    except (OSError, RuntimeError):
        assert link is not None
        try:
            link.resolve(strict=True)
        except (OSError, RuntimeError):
            raise InputError(
                "BPI006",
                f"dangling or looping symbolic link: {relative_name(link, root)}"
                f" -> {os.readlink(link)}",
                rel,
                hint="point the link at a file inside the workspace, or replace it with the file",
            ) from None
        return  # the link is fine; the file below it is missing (reported by the reader)
    if target.is_relative_to(root):
        return
    if link is None:
        raise InputError(
            "BPI006",
            f"{rel} is outside the workspace",
            rel,
            hint="keep every input inside the workspace (the directory of blueprintc.yaml)",
        )
    raise InputError(
        "BPI006",
        f"symbolic link {relative_name(link, root)} points outside the workspace ({target})",
        rel,
        hint="copy the file into the workspace; links may not leave it",
    )


def _resolves_inside(path: Path, root: Path) -> bool:
    """A path that exists (so no link on its way dangles or loops) and whose real path
    is under root's: what the walk below accepts, in one `stat` and one `realpath` (a
    `file://../../upstream-charts/x` dependency's files come this way, each `..` being
    the plain test's exception)."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return _under_real_root(os.path.realpath(path), root)


def _first_link(path: Path, root: Path) -> Path | None:
    """The outermost symbolic link among `path` and its ancestors below `root`."""
    for candidate in reversed((path, *path.parents)):
        if candidate != root and candidate.is_relative_to(root) and candidate.is_symlink():
            return candidate
    return None


def check_entry(path: Path, root: Path) -> None:
    """Refuse, without reading it, a directory entry that `read_source` would refuse
    for its kind: a link that leaves the workspace or dangles, a FIFO, socket or device."""
    check_inside(path, root)
    mode = os.stat(path).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise _not_regular(relative_name(path, root), mode)


def _not_regular(rel: str, mode: int) -> InputError:
    return InputError(
        "BPI007",
        f"{rel} is not a regular file ({kind_of(mode)})",
        rel,
        hint="replace it with a regular file",
    )


def read_source(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read a regular UTF-8 text file inside `root`, within the size limit."""
    rel = relative_name(path, root)
    data, _ = read_regular(path, root, max_bytes)
    return SourceFile(path=path, rel=rel, text=decode_text(data, rel))


def read_regular(
    path: Path, root: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file inside `root`, within the size limit, and the status
    of the very file they were read from (`fstat` of the descriptor, taken before the
    read: a later write changes its mtime and ctime, so a caller can tell whether the
    file still holds these bytes)."""
    rel = relative_name(path, root)
    info = _plain_stat(path, root)
    if info is None:
        check_inside(path, root)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise InputError(
                "BPI007", f"file not found: {rel}", rel, hint="create the file"
            ) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(rel, info.st_mode)
    check_size(rel, info.st_size, max_bytes)
    # O_NONBLOCK: a FIFO swapped in after the stat above must not hang the run.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped after the stat above
            raise _not_regular(rel, opened.st_mode)
        check_size(rel, opened.st_size, max_bytes)
        data = _read_up_to(fd, max_bytes + 1, opened.st_size)
    finally:
        os.close(fd)
    check_size(rel, len(data), max_bytes)  # grew while being read
    return data, opened


def check_size(rel: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            "BPI004",
            f"{rel} is {size:,} bytes, over the {max_bytes:,}-byte input limit",
            rel,
            hint="split the file, or raise lint.maxFileBytes in blueprintc.yaml if it is genuine",
        )


def _read_up_to(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes, to the end of the file (no buffered file object: lint reads
    hundreds of small files). The first read asks for the `expected` size (the file's
    stat) and a byte more: a regular file's read comes back short only at its end, so a
    file of that size is read by one call into a buffer of its size."""
    chunks = []
    size = 0
    while size < limit:
        wanted = min(limit - size, expected - size + 1 if size <= expected else 1 << 20)
        chunk = os.read(fd, wanted)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if len(chunk) < wanted and size >= expected:
            break
    return b"".join(chunks)


def decode_text(data: bytes, rel: str) -> str:
    if b"\x00" in data:
        line, column = _position_of(data, data.index(b"\x00"))
        raise InputError(
            "BPI005",
            f"{rel} is a binary file (NUL byte), not UTF-8 text",
            rel,
            line,
            column,
            hint="workspace inputs must be UTF-8 text files",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of(data, exc.start)
        raise InputError(
            "BPI005",
            f"invalid UTF-8 byte 0x{data[exc.start]:02x} in {rel}",
            rel,
            line,
            column,
            hint="re-save the file as UTF-8",
        ) from None


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
