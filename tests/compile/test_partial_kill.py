"""A partial compile (only the changed Organization re-planned and patched in place)
SIGKILLed at any moment: after recovery, which every blueprintc command runs first,
out/ is the whole previous or the whole new tree, and the next compile is correct and
never trusts a seal that describes an older tree."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blueprintc.compile.planner import compile_workspace
from blueprintc.emit import recover, serialise

from .helpers import copy_workspace, tree_files, tree_hash

KILLS = 8
SEED = 20261127


def planned_hash(root: Path) -> str:
    result = compile_workspace(root)
    assert result.diagnostics == []
    return tree_hash({f.path: serialise(f) for f in result.files})


def compile_cli(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "blueprintc", "compile", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_sigkill_during_a_partial_compile(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    out = root / "out"
    acme = root / "organizations" / "acme.yaml"
    texts = {"old": acme.read_text("utf-8")}
    texts["new"] = texts["old"].replace("Welcome to Acme", "Welcome to Acme Trading")
    expected = {}
    for version, text in texts.items():
        acme.write_text(text, "utf-8")
        expected[version] = planned_hash(root)
    acme.write_text(texts["old"], "utf-8")
    first = compile_cli(root)
    first.communicate(timeout=120)
    assert first.returncode == 0
    acme.write_text(texts["new"], "utf-8")
    t0 = time.perf_counter()
    timed = compile_cli(root)  # a partial compile: how long one takes here
    stdout, _ = timed.communicate(timeout=120)
    duration = time.perf_counter() - t0
    assert b"re-planned only" in stdout

    rng = random.Random(SEED)
    current, killed = "new", 0
    for _ in range(KILLS):
        target = "old" if current == "new" else "new"
        acme.write_text(texts[target], "utf-8")
        proc = compile_cli(root)
        started = time.perf_counter()
        try:
            proc.wait(timeout=rng.uniform(0.5, 1.1) * duration)
            # It finished before the kill (the machine got faster): aim by this run.
            duration = time.perf_counter() - started
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        killed += proc.returncode == -signal.SIGKILL
        recover(out)
        state = tree_hash(tree_files(out))
        assert state in (expected[current], expected[target]), "a mix after recovery"
        current = target if state == expected[target] else current
        # Whatever the kill left, the next compile of these inputs writes exactly them.
        rerun = compile_cli(root)
        rerun.communicate(timeout=120)
        assert rerun.returncode == 0
        assert tree_hash(tree_files(out)) == expected[target]
        current = target
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} compiles were still running"
    again = compile_cli(root)
    stdout, _ = again.communicate(timeout=120)
    assert b"sealed: inputs and out/ untouched" in stdout
