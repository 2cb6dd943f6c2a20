"""Run the real CLI on hostile input, and prove nothing of the user's was lost.

Every case in ``tests/hostile/`` goes through :func:`run_cli` (a fresh
``python -m blueprintc`` process with a timeout, so a hang is a failure, not a
stuck suite) and checks its result with :func:`assert_refused` or
:func:`assert_clean_failure`: the exit code, one clear message, no traceback.
:func:`snapshot` hashes every file, link and directory under a root, so a case
can assert that the workspace (or any directory a command was pointed at) kept
every byte.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class CliRun:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return (
            f"blueprintc {' '.join(self.args)} -> exit {self.code}\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


def run_cli(
    *args: str | Path,
    cwd: Path,
    timeout: float = DEFAULT_TIMEOUT,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    preexec: Callable[[], None] | None = None,
) -> CliRun:
    """``blueprintc ARGS`` in a fresh process in ``cwd``; a timeout fails the test.

    ``preexec`` runs in the child before it starts (e.g. to lower a resource limit
    or drop a capability)."""
    argv = tuple(str(a) for a in args)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BLUEPRINTC_")}
    environ["PYTHONPATH"] = str(REPO)  # this checkout, whatever is installed
    environ["NO_COLOR"] = "1"
    environ.update(env or {})
    try:
        done = subprocess.run(
            [sys.executable, "-m", "blueprintc", *argv],
            cwd=cwd,
            env=environ,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"blueprintc {' '.join(argv)} hung for more than {timeout} s") from exc
    return CliRun(argv, done.returncode, done.stdout, done.stderr)


def assert_no_traceback(run: CliRun) -> None:
    assert "Traceback (most recent call last)" not in run.output, str(run)


def assert_refused(run: CliRun, *needles: str, code: int = 2) -> None:
    """Exit ``code``, no traceback, and every needle in the output (case-insensitive)."""
    assert run.code == code, str(run)
    assert_no_traceback(run)
    lowered = run.output.lower()
    for needle in needles:
        assert needle.lower() in lowered, f"{needle!r} not in output\n{run}"


def assert_clean_failure(run: CliRun, *needles: str) -> None:
    """A non-zero exit (1 findings, 2 input), no traceback, every needle in the output."""
    assert run.code in (1, 2), str(run)
    assert_no_traceback(run)
    lowered = run.output.lower()
    for needle in needles:
        assert needle.lower() in lowered, f"{needle!r} not in output\n{run}"


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under ``root`` (relative path -> kind and content hash or link target).

    Directories count too, so a deleted empty directory shows. ``skip`` names
    top-level entries to leave out (e.g. the ``out/`` a command may write).
    """
    found: dict[str, str] = {}
    if not os.path.lexists(root):
        return found
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in dirnames:
            path = os.path.join(dirpath, name)
            key = os.path.normpath(os.path.join(rel_dir, name))
            found[key] = _describe(path)
        for name in filenames:
            path = os.path.join(dirpath, name)
            key = os.path.normpath(os.path.join(rel_dir, name))
            found[key] = _describe(path)
    return found


def _describe(path: str) -> str:
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        return f"link:{os.readlink(path)}"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISREG(st.st_mode):
        with open(path, "rb") as handle:
            return "file:" + hashlib.sha256(handle.read()).hexdigest()
    return f"special:{stat.S_IFMT(st.st_mode):o}"
