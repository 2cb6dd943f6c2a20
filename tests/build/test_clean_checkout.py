"""`build` never dirties a checkout (issue 10 point 9): a committed vendored
`charts/*.tgz` (and `Chart.lock`) whose content `helm dependency build` reproduces is
left byte for byte as committed. Real git, real Helm SDK, the real CLI in a process."""

from __future__ import annotations

import io
import subprocess
import tarfile
import time
from pathlib import Path

from tests.hostile.harness import run_cli

from .conftest import make_workspace


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _repack_at_another_time(archive: Path) -> None:
    """The same members and bytes, packed with other file times (a user's own
    `helm dependency build` of the same chart, on another day)."""
    with tarfile.open(archive) as source:
        members = [(m, source.extractfile(m)) for m in source.getmembers()]
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as target:
            for member, handle in members:
                member.mtime = 1_600_000_000
                target.addfile(member, handle)
    archive.write_bytes(buffer.getvalue())


def test_build_leaves_a_committed_vendored_chart_as_it_was(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    (ws / ".gitignore").write_text("out/\n")
    first = run_cli("build", "blueprints/webapp", cwd=ws, timeout=180)
    assert first.code == 0, first
    chart = ws / "blueprints/webapp/chart"
    vendored = sorted(p.name for p in (chart / "charts").glob("*.tgz"))
    assert vendored == ["webapp-2.4.1.tgz"], vendored
    _repack_at_another_time(chart / "charts/webapp-2.4.1.tgz")  # as vendored elsewhere
    _git(ws, "init", "-q")
    _git(ws, "add", "--all", "--force")
    _git(ws, "commit", "-q", "-m", "vendored charts/")
    assert "blueprints/webapp/chart/charts/webapp-2.4.1.tgz" in _git(ws, "ls-files")
    time.sleep(1.1)  # a rebuilt archive would carry a later time
    again = run_cli("build", "blueprints/webapp", cwd=ws, timeout=180)
    assert again.code == 0, again
    assert _git(ws, "status", "--porcelain") == ""
