"""Shared helpers of the compile acceptance tests: workspaces, trees, hashes."""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
from pathlib import Path

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from blueprintc.emit import read_tree
from blueprintc.emit.model import STATE_DIR

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden"
# Everything the reference workspace reads (blueprintc.yaml names the rest).
WORKSPACE_ENTRIES = (
    "blueprintc.yaml",
    "sovereign.yaml",
    "organizations",
    "overlays",
    "blueprints",
    "upstream-charts",
    "schemas",  # schemas/crds: blueprintc.yaml's schemaLocations
)
# Files in golden/ that compile does not write.
GOLDEN_EXTRAS = frozenset({"README.md"})


class TextSnapshot(SingleFileSnapshotExtension):
    """One plain UTF-8 file per snapshot, so `git diff` shows the diff itself."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def copy_workspace(dst: Path) -> Path:
    """A copy of the reference workspace at ``dst`` (to change without touching the repo)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in WORKSPACE_ENTRIES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, symlinks=True)
        elif src.exists():
            shutil.copy2(src, dst / name)
    return dst


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in the text file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def trust_signing_key(root: Path, public_key: Path) -> None:
    """Add the armored OpenPGP public key at `public_key` to the workspace Sovereign's
    spec.git.signingKeys (as a user does for the key they deliver with)."""
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    anchor = "    signingKeys:\n"
    assert anchor in text
    armored = public_key.read_text(encoding="utf-8").strip().splitlines()
    item = "      - |\n" + "".join(f"        {line}\n" if line else "\n" for line in armored)
    sovereign.write_text(text.replace(anchor, anchor + item, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` that holds `text`."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def tree_files(root: Path, ignore: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Every file under ``root`` by posix relative path, emit's state dir left out."""
    return read_tree(root, ignore)


def tree_hash(files: dict[str, bytes]) -> str:
    """sha256 over the sorted relative paths and the bytes of each file."""
    digest = hashlib.sha256()
    for path in sorted(files):
        data = files[path]
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def tree_stats(root: Path, state: bool = False) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file and directory under ``root`` and of ``root``
    itself; emit's state dir only when ``state``."""
    st = os.lstat(root)
    stats: dict[str, tuple[int, int]] = {".": (st.st_ino, st.st_mtime_ns)}
    for base, dirnames, filenames in os.walk(root):
        rel_dir = Path(base).relative_to(root)
        if rel_dir == Path(".") and not state:
            dirnames[:] = [d for d in dirnames if d != STATE_DIR]
        for name in [*dirnames, *filenames]:
            st = os.lstat(Path(base) / name)
            stats[(rel_dir / name).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return stats


def describe_difference(
    expected: dict[str, bytes], actual: dict[str, bytes], limit: int = 3
) -> str:
    """Missing and extra paths, and a unified diff of the first ``limit`` differing files."""
    lines: list[str] = []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
    if missing:
        lines.append(f"{len(missing)} file(s) missing: {', '.join(missing[:10])}")
    if extra:
        lines.append(f"{len(extra)} unexpected file(s): {', '.join(extra[:10])}")
    if changed:
        lines.append(f"{len(changed)} file(s) differ: {', '.join(changed[:10])}")
    for path in changed[:limit]:
        diff = difflib.unified_diff(
            expected[path].decode("utf-8", "replace").splitlines(keepends=True),
            actual[path].decode("utf-8", "replace").splitlines(keepends=True),
            f"expected/{path}",
            f"actual/{path}",
        )
        lines.append("".join(diff).rstrip("\n"))
    return "\n".join(lines)
