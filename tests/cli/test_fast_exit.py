"""Every command leaves without the interpreter's teardown (issue 11: one Blueprint
linted under 300 ms; a promotion at N = 1,000 under 5% of the compile), and that
changes nothing a user or a hook sees: exit codes, every line of output through a
pipe, and no Helm worker or other child left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.compile.helpers import copy_workspace

REPO = Path(__file__).resolve().parents[2]
FAILING = REPO / "tests" / "rules" / "cases" / "BPG012" / "fail"


def _lint(*args: str, marker: str = "") -> subprocess.CompletedProcess[str]:
    return _blueprintc("lint", *args, marker=marker)


def _blueprintc(*args: str, marker: str = "", cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BLUEPRINTC_TEST_MARKER": marker}
    return subprocess.run(
        [sys.executable, "-m", "blueprintc", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def _marked_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"BLUEPRINTC_TEST_MARKER={marker}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def test_every_finding_and_the_summary_reach_a_pipe_with_the_exit_code() -> None:
    done = _lint(str(FAILING), "--no-color")
    assert done.returncode == 1
    assert done.stdout.count(" error BPG012 ") == 4
    assert done.stdout.rstrip().endswith("1 Blueprint(s) linted: 4 error(s), 0 warning(s); failed")


def test_a_clean_run_exits_0_and_a_usage_error_2() -> None:
    assert _lint("blueprints/webapp").returncode == 0
    usage = _lint("blueprints/webapp", "--select", "NOPE001")
    assert usage.returncode == 2 and "unknown rule id(s): NOPE001" in usage.stderr


def test_no_helm_worker_outlives_lint() -> None:
    marker = uuid.uuid4().hex
    assert _lint("blueprints/webapp", marker=marker).returncode == 0
    _assert_none_left(marker)


def test_compile_reports_through_a_pipe_and_leaves_no_child(tmp_path: Path) -> None:
    """A full compile, a patch of one Organization and a failing compile: each one's
    report and exit code, and no Helm worker or seal sweep left running."""
    root = copy_workspace(tmp_path / "ws")
    marker = uuid.uuid4().hex
    first = _blueprintc("compile", marker=marker, cwd=root)
    assert first.returncode == 0, first.stderr
    assert "written" in first.stdout
    acme = root / "organizations/acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace("Welcome to Acme", "Hello from Acme"))
    patched = _blueprintc("compile", marker=marker, cwd=root)
    assert patched.returncode == 0, patched.stderr
    assert "written" in patched.stdout
    acme.write_text(acme.read_text("utf-8").replace("mode: active-active", "mode: everywhere"))
    failing = _blueprintc("compile", marker=marker, cwd=root)
    assert failing.returncode == 1
    assert "organizations/acme.yaml:" in failing.stdout + failing.stderr
    _assert_none_left(marker)


def _assert_none_left(marker: str) -> None:
    deadline = time.monotonic() + 5
    while _marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.05)  # a killed worker is gone once the kernel reaps it
    assert _marked_processes(marker) == []
