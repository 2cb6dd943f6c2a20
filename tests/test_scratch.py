"""Temporary directories a killed process does not leave behind (`blueprintc.scratch`):
a sweep removes those nobody holds, and never one a live process holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from blueprintc import scratch
from blueprintc.helm_process import WORKER_TMP_PREFIX

PREFIX = "blueprintc-test-scratch-"
HOUR_AGO = time.time() - 3600


@pytest.fixture(autouse=True)
def _own_temporary_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _aged(path: str) -> str:
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def test_a_directory_whose_holders_are_gone_is_swept() -> None:
    made = scratch.make(PREFIX)
    (Path(made.path) / "stand-in").mkdir()
    os.close(made.fd)  # as if its process had died
    assert scratch.sweep(PREFIX) == [], "too young: it may not be locked yet"
    _aged(made.path)
    assert scratch.sweep(PREFIX) == [made.path]
    assert not Path(made.path).exists()


def test_a_held_directory_is_kept_however_old() -> None:
    made = scratch.make(PREFIX)
    _aged(made.path)
    assert scratch.sweep(PREFIX, min_age=0) == []
    assert Path(made.path).is_dir()
    made.release()
    assert not Path(made.path).exists()


def test_only_the_prefix_is_swept(tmp_path: Path) -> None:
    other = _aged(tempfile.mkdtemp(prefix="someone-else-"))
    assert scratch.sweep(PREFIX, min_age=0) == []
    assert Path(other).is_dir()


def test_the_hold_lasts_as_long_as_the_process_it_was_handed_to() -> None:
    made = scratch.make(PREFIX)
    _aged(made.path)
    holder = subprocess.Popen(["sleep", "60"], pass_fds=(made.fd,))
    try:
        os.close(made.fd)  # the maker lets go; the child still holds it
        assert scratch.sweep(PREFIX, min_age=0) == []
    finally:
        holder.kill()
        holder.wait()
    assert scratch.sweep(PREFIX, min_age=0) == [made.path]


KILLED_WITH_A_WORKER = """
import os, signal, sys
from blueprintc import helm_pool
helm_pool.POOL.warm(1)
print(helm_pool.POOL.workers[0].process.tmp.path, flush=True)
sys.stdin.readline()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_helm_worker_directory_left_by_a_killed_process_is_swept(tmp_path: Path) -> None:
    """A process SIGKILLed with a Helm worker running: the worker dies with it (its
    parent-death signal), its directory stays, and the next sweep removes it."""
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WITH_A_WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        text=True,
    ) as child:
        assert child.stdout is not None and child.stdin is not None
        left = child.stdout.readline().strip()
        assert Path(left).parent == tmp_path and Path(left).is_dir()
        assert scratch.sweep(WORKER_TMP_PREFIX, min_age=0) == [], "held while they live"
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=30) == -signal.SIGKILL
    assert Path(left).is_dir()
    deadline = time.monotonic() + 30
    while scratch.sweep(WORKER_TMP_PREFIX, min_age=0) != [left]:  # the worker's death
        assert time.monotonic() < deadline, "the worker outlived its killed parent"
        time.sleep(0.05)
    assert not Path(left).exists()
