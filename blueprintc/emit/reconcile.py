"""Compare the plan with out/: which files are fresh, same, stale, missing or extra.

Shared by emit, check and diff so that all three agree on what a compile would
change. Serialisation happens here, and only for files the cache cannot vouch for.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

from .cache import DiskTree, read_bytes, scan, sha256
from .manifest import Entry, Manifest
from .model import STATE_DIR, OutputFile, check_paths, parent_dirs
from .ownership import OwnershipError
from .seal import Seal
from .yamlwriter import dump_all

__all__ = ["Planned", "Reconciliation", "reconcile", "serialise"]

Status = Literal["fresh", "same", "stale", "missing"]


def serialise(file: OutputFile) -> bytes:
    """The file's bytes: its documents as deterministic YAML, UTF-8, LF, final newline."""
    if file.data is not None:
        return file.data
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
    extra: list[str]  # non-directories to prune: recorded in the manifest (or forced)
    extra_dirs: list[str]  # directories to remove once empty, deepest first
    conflicts: bool  # a planned path is blocked by a directory, symlink or special file
    manifest: Manifest
    old_manifest: Manifest
    serialise_seconds: float
    preserved: tuple[str, ...] = ()  # files under preserved top-level dirs: never touched
    seal: Seal | None = None  # out/'s seal as found (its stats vouch for unchanged files)
    unknown: tuple[str, ...] = ()  # non-directories blueprintc did not write: kept
    foreign: bool = False  # out/ holds entries a whole-tree swap would not carry over
    in_the_way: frozenset[str] = frozenset()  # extra entries the plan must replace

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
    force_prune: bool = False,
) -> Reconciliation:
    """`preserve` names top-level directories of out/ that belong to someone else
    (e.g. the OCI layout `oci/` that publish writes): neither planned nor pruned.

    Ownership: a path is blueprintc's when out/'s manifest records it (when the
    state dir survives but its manifest does not, every planned path is taken as
    blueprintc's). Anything else is unknown: kept and reported (``unknown``), or
    pruned with ``force_prune``; an unknown entry where the plan must write refuses
    the whole emit (OwnershipError) unless ``force_prune``."""
    ordered, needed_dirs = check_paths(files)
    disk = scan(out)
    # The caller may have loaded out/'s manifest already (the planner does).
    old_manifest = previous if previous is not None else Manifest.load(out)
    known = old_manifest.files
    trust_planned = disk.has_state_dir and not known  # the state dir lost its manifest
    planned: list[Planned] = []
    blocked: list[str] = []
    spent = 0.0
    conflicts = disk.blocked(needed_dirs)
    sealed = Seal.load(out) if disk.exists else None
    # A file with the stat the seal recorded is as written: not read, even for a diff.
    stats = sealed.file_stats() if sealed is not None and trust_stat else {}
    disk_stats = disk.stats
    for f in ordered:
        kind = disk.kinds.get(f.path)
        conflicts = conflicts or kind not in (None, "file")
        rec = known.get(f.path)
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
            ours = rec is not None or trust_planned or kind == "dir"  # a dir: see below
            if kind is not None and not ours and not force_prune:
                blocked.append(f.path)
        planned.append(Planned(f, status, sha256(data), data, old if keep_old else None))

    manifest = Manifest(
        {p.file.path: Entry(p.file.inputs, p.sha256, p.file.owner) for p in planned}
    )
    wanted = {p.file.path for p in planned}
    known_dirs: set[str] | None = None
    extra: list[str] = []
    extra_dirs: list[str] = []
    unknown: list[str] = []
    in_the_way: set[str] = set()
    reserved = frozenset(preserve)
    preserved: list[str] = []
    foreign = bool(disk.hidden)
    for path, kind in disk.kinds.items():
        if path.split("/", 1)[0] in reserved:
            foreign = True  # a swap would drop its empty dirs and special files
            if kind != "dir":
                preserved.append(path)
            continue
        if kind == "dir":
            if path in needed_dirs:
                continue
            under_file = _under_planned_file(path, wanted)
            if under_file:
                in_the_way.add(path)
            if known_dirs is None and not (under_file or force_prune):
                known_dirs = parent_dirs(known)  # only when a directory is left over
            if under_file or force_prune or path in (known_dirs or ()):
                extra_dirs.append(path)
            else:
                foreign = True  # a directory blueprintc did not make: kept
        elif path not in wanted:
            if path in needed_dirs or _under_planned_file(path, wanted):
                in_the_way.add(path)
            if path in known or force_prune:
                extra.append(path)
            elif path in in_the_way:
                blocked.append(path)
            else:
                unknown.append(path)
                foreign = True
    if blocked:
        _refuse(out, sorted(blocked))
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
        tuple(sorted(unknown)),
        foreign,
        frozenset(in_the_way),
    )


def _under_planned_file(path: str, wanted: set[str]) -> bool:
    """True if `path` is a planned file or lies below one (it must make way)."""
    head = path
    while head:
        if head in wanted:
            return True
        head = head.rpartition("/")[0]
    return False


def _refuse(out: Path, blocked: list[str]) -> NoReturn:
    shown = ", ".join(blocked[:3]) + (f" and {len(blocked) - 3} more" if len(blocked) > 3 else "")
    raise OwnershipError(
        f"{out}: blueprintc did not write {shown} (not in {STATE_DIR}/manifest.json) but the "
        "compiled tree needs that path; fix: move it away, or pass --force-prune to replace "
        "it (and prune every file in out/ that blueprintc did not write)"
    )
