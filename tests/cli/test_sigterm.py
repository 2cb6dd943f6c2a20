"""SIGTERM (a CI job's time-out, `timeout`) ends a command as Ctrl-C does, unwinding:
its Helm workers are stopped and nothing is left in the temporary directory (Python's
default, ending at once, left each Helm worker's directory behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.lint.generate import generate
from blueprintc.helm_process import WORKER_TMP_PREFIX


def test_sigterm_stops_the_command_and_leaves_nothing_behind(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    generate(workspace, 30)  # a lint that lasts well past the signal
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with subprocess.Popen(
        [sys.executable, "-m", "blueprintc", "lint", str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temporary), "NO_COLOR": "1"},
        text=True,
    ) as proc:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(WORKER_TMP_PREFIX) for p in temporary.iterdir()):
            assert proc.poll() is None and time.monotonic() < deadline, "no Helm worker"
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)  # its Helm worker has just started
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "blueprintc: terminated (SIGTERM)" in stderr
    assert "Traceback" not in stderr
    assert list(temporary.iterdir()) == []
