"""A progress display on a terminal only: compile, deliver and build with stderr on a real
pseudo-terminal show their phases; piped, or with -q, they show nothing."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.compile.helpers import REPO, copy_workspace


def _run(args: list[str], cwd: Path, terminal: bool) -> tuple[int, str]:
    """`blueprintc ARGS` with stderr on a pseudo-terminal (or a pipe); its stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BLUEPRINTC_PROGRESS_DELAY": "0"}
    env.pop("NO_COLOR", None)
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-m", "blueprintc", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return done.returncode, done.stderr
    primary, secondary = os.openpty()
    # A terminal has a size: tqdm (4.70) draws nothing on a 0-column one.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "blueprintc", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return child.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_compile_and_deliver_show_their_phases_on_a_terminal_only(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    code, shown = _run(["compile"], workspace, terminal=True)
    assert code == 0, shown
    assert "plan Organizations" in shown and "validate files" in shown
    code, shown = _run(["deliver"], workspace, terminal=True)
    assert code == 0 and "deliver branches" in shown, shown
    code, shown = _run(["build", "blueprints/cluster-issuers"], workspace, terminal=True)
    assert code == 0 and "build Blueprints" in shown, shown

    (workspace / "out").rename(tmp_path / "first-out")
    code, piped = _run(["compile"], workspace, terminal=False)
    assert code == 0 and "plan Organizations" not in piped, piped
    (workspace / "out").rename(tmp_path / "second-out")
    code, quiet = _run(["compile", "-q"], workspace, terminal=True)
    assert code == 0 and quiet == "", quiet
