"""Compare the plan with out/: which files are fresh, same, stale, missing or extra.

Shared by emit, check and diff so that all three agree on what a compile would
change. Serialisation happens here, and only for files the cache cannot vouch for.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .cache import DiskTree, read_bytes, scan, sha256
from .manifest import Entry, Manifest
from .model import OutputFile, check_paths
from .seal import Seal
from .yamlwriter import dump_all

__all__ = ["Planned", "Reconciliation", "reconcile", "serialise"]

Status = Literal["fresh", "same", "stale", "missing"]


def serialise(file: OutputFile) -> bytes:
    """The file's bytes: its documents as deterministic YAML, UTF-8, LF, final newline."""
    return dump_all(file.content()).encode("utf-8")


@dataclass(frozen=True)
class Planned:
    file: OutputFile
    status: Status
    sha256: str
    data: bytes | None  # the new bytes, unless fresh
    old: bytes | None  # the bytes on disk, when asked for and present

    @property
    def needs_write(self) -> bool:
        return self.status in ("stale", "missing")


@dataclass(frozen=True)
class Reconciliation:
    disk: DiskTree
    planned: list[Planned]
    extra: list[str]  # non-directories on disk that the plan does not have
    extra_dirs: list[str]  # directories no planned file needs, deepest first
    conflicts: bool  # a planned path is blocked by a directory, symlink or special file
    manifest: Manifest
    old_manifest: Manifest
    serialise_seconds: float
    preserved: tuple[str, ...] = ()  # files under preserved top-level dirs: never touched
    seal: Seal | None = None  # out/'s seal as found (its stats vouch for unchanged files)

    @property
    def writes(self) -> list[Planned]:
        return [p for p in self.planned if p.needs_write]

    @property
    def manifest_changed(self) -> bool:
        return self.manifest.files != self.old_manifest.files


def reconcile(
    files: Iterable[OutputFile],
    out: Path,
    *,
    keep_old: bool = False,
    preserve: Iterable[str] = (),
    trust_stat: bool = True,
    previous: Manifest | None = None,
) -> Reconciliation:
    """`preserve` names top-level directories of out/ that belong to someone else
    (e.g. the OCI layout `oci/` that publish writes): neither planned nor pruned."""
    ordered, needed_dirs = check_paths(files)
    disk = scan(out)
    # The caller may have loaded out/'s manifest already (the planner does).
    old_manifest = previous if previous is not None else Manifest.load(out)
    planned: list[Planned] = []
    spent = 0.0
    conflicts = disk.blocked(needed_dirs)
    sealed = Seal.load(out) if disk.exists else None
    stats = sealed.file_stats() if sealed is not None and trust_stat and not keep_old else {}
    disk_stats = disk.stats
    for f in ordered:
        kind = disk.kinds.get(f.path)
        conflicts = conflicts or kind not in (None, "file")
        rec = old_manifest.files.get(f.path)
        if (
            rec is not None
            and rec.inputs == f.inputs
            and f.path in stats
            and stats[f.path] == disk_stats.get(f.path)
        ):
            planned.append(Planned(f, "fresh", rec.sha256, None, None))
            continue
        old = read_bytes(out, f.path) if kind == "file" else None
        old_sha = sha256(old) if old is not None else None
        if rec is not None and old_sha == rec.sha256 and rec.inputs == f.inputs:
            planned.append(Planned(f, "fresh", rec.sha256, None, old if keep_old else None))
            continue
        t0 = time.perf_counter()
        data = serialise(f)
        spent += time.perf_counter() - t0
        if old is not None and old == data:
            status: Status = "same"
        else:
            status = "missing" if kind is None else "stale"
        planned.append(Planned(f, status, sha256(data), data, old if keep_old else None))

    manifest = Manifest(
        {p.file.path: Entry(p.file.inputs, p.sha256, p.file.owner) for p in planned}
    )
    wanted = {p.file.path for p in planned}
    extra: list[str] = []
    extra_dirs: list[str] = []
    reserved = frozenset(preserve)
    preserved: list[str] = []
    for path, kind in disk.kinds.items():
        if path.split("/", 1)[0] in reserved:
            if kind != "dir":
                preserved.append(path)
            continue
        if kind == "dir":
            if path not in needed_dirs:
                extra_dirs.append(path)
        elif path not in wanted:
            extra.append(path)
    extra.sort()
    extra_dirs.sort(key=lambda d: (-d.count("/"), d))
    return Reconciliation(
        disk,
        planned,
        extra,
        extra_dirs,
        conflicts,
        manifest,
        old_manifest,
        spent,
        tuple(sorted(preserved)),
        sealed,
    )
