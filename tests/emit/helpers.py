"""Helpers for the emit tests: planned trees and snapshots of what is on disk."""

from __future__ import annotations

import os
from pathlib import Path

from blueprintc.emit import OutputFile


def make_files(
    n: int, version: str = "v1", overrides: dict[int, str] | None = None
) -> list[OutputFile]:
    """``n`` planned files at ``version``; ``overrides`` gives some files another one."""
    files = []
    for i in range(n):
        v = (overrides or {}).get(i, version)
        doc = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "namespace": f"ns-{i % 7}"},
            "data": {"index": str(i), "version": v, "script": f"echo {i}\necho {v}\n"},
        }
        files.append(
            OutputFile(
                path=f"apps/app-{i % 13:02d}/env-{i % 3}/file-{i:05d}.yaml",
                documents=(doc,),
                inputs=f"{i}:{v}",
                owner=f"org/app-{i % 13:02d}",
            )
        )
    return files


def tree_bytes(root: Path, *, state: bool = False) -> dict[str, bytes]:
    """Every regular file under ``root`` (the .blueprintc state dir only if asked; its
    machine-local seal, which records inodes and mtimes, never)."""
    result = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if not state and rel_dir.split(os.sep)[0] == ".blueprintc":
            dirnames[:] = []
            continue
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name)).replace(os.sep, "/")
            if rel != ".blueprintc/seal":
                result[rel] = (Path(dirpath) / name).read_bytes()
    return result


def tree_stats(root: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, mtime_ns, ctime_ns) of every entry under ``root``, and of root itself."""
    result = {".": _stat(root)}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            result[str(full.relative_to(root))] = _stat(full)
    return result


def _stat(path: Path) -> tuple[int, int, int]:
    st = os.lstat(path)
    return st.st_ino, st.st_mtime_ns, st.st_ctime_ns
