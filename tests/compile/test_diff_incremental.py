"""`diff` after a one-Organization change (issue 10 point 11) works as compile does:
nothing is planned for a sealed out/ whose inputs did not change, and only the
changed owner's files are read. out/ is on a tmpfs mounted `strictatime`, so every
read of a file advances its atime. The real CLI in a fresh process."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.compile.generate import change_one_application, generate
from tests.hostile.harness import run_cli

COUNT = 4


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "mnt"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m,strictatime", "tmpfs", str(mount)], check=True
    )
    try:
        generate(mount / "ws", COUNT)
        yield mount / "ws"
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _atimes(out: Path) -> dict[str, int]:
    return {
        p.relative_to(out).as_posix(): p.stat().st_atime_ns
        for p in out.rglob("*.yaml")
        if not p.relative_to(out).as_posix().startswith(".blueprintc")
    }


def _of(org: str, path: str) -> bool:
    """The file is the Organization's: its name is in the path (org-0001 ... org-0004)."""
    return org in path


def test_diff_of_a_one_organization_change_reads_only_that_owner(workspace: Path) -> None:
    compiled = run_cli("compile", cwd=workspace, timeout=300)
    assert compiled.code == 0, compiled
    out = workspace / "out"
    unchanged = run_cli("diff", cwd=workspace, timeout=300)
    assert (unchanged.code, unchanged.stdout) == (0, ""), unchanged
    org, _ = change_one_application(workspace, COUNT, 1)
    before = _atimes(out)
    changed = run_cli("diff", cwd=workspace, timeout=300)
    assert changed.code == 1 and f"+++ b/repos/{org}/" in changed.stdout, changed
    read = {path for path, atime in _atimes(out).items() if atime != before[path]}
    others = sorted(p for p in read if not _of(org, p))
    assert read and others == [], others
    # The full path (an unsealed copy of out/: every file read) gives the same diff.
    shutil.copytree(out, workspace / "full", symlinks=True)
    os.unlink(workspace / "full/.blueprintc/seal")
    full = run_cli("diff", "-o", "full", cwd=workspace, timeout=300)
    assert full.stdout == changed.stdout, full
