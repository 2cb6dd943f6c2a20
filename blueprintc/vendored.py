"""Keep a checkout clean: ``helm dependency build`` repacks every ``charts/*.tgz`` and
rewrites ``Chart.lock`` with new file times and a new ``generated:`` time, so a
committed vendored chart shows as modified after every build. A rewritten file whose
content is the same as before gets its committed bytes back."""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from pathlib import Path

LOCK_FILE = "Chart.lock"


def snapshot(chart_dir: Path) -> dict[Path, bytes]:
    """The bytes of ``Chart.lock`` and every ``charts/*.tgz`` as they are now."""
    files = [chart_dir / LOCK_FILE, *sorted((chart_dir / "charts").glob("*.tgz"))]
    out = {}
    for path in files:
        if path.is_file() and not path.is_symlink():
            out[path] = path.read_bytes()
    return out


def restore_unchanged(before: dict[Path, bytes]) -> None:
    """Put back each file the build rewrote with the same content."""
    for path, old in before.items():
        try:
            new = path.read_bytes()
        except OSError:
            continue  # removed or unreadable: the build's business, not a rewrite
        if new != old and _same_content(path, old, new):
            _replace(path, old)


def _same_content(path: Path, old: bytes, new: bytes) -> bool:
    if path.name == LOCK_FILE:
        return _without_generated(old) == _without_generated(new)
    old_members, new_members = _members(old), _members(new)
    return old_members is not None and old_members == new_members


def _without_generated(lock: bytes) -> list[bytes]:
    return [line for line in lock.splitlines() if not line.startswith(b"generated:")]


def _members(archive: bytes) -> list[tuple[str, bytes, int, str, bytes]] | None:
    """Each member's name, type, mode, link and bytes; None for a broken archive."""
    out = []
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar.getmembers():
                handle = tar.extractfile(member) if member.isfile() else None
                data = handle.read() if handle is not None else b""
                out.append((member.name, member.type, member.mode, member.linkname, data))
    except (tarfile.TarError, OSError, EOFError):
        return None
    return sorted(out)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path`` whole (a temporary name, then a rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except OSError:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise
