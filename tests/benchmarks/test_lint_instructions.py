"""`python -m benchmarks.lint.instructions`: its lint driver runs as the counted child
does (without valgrind here: counting takes minutes), and it reads callgrind's count."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.lint.generate import REPO, generate
from benchmarks.lint.instructions import DRIVER, collected


def test_the_driver_lints_the_catalog_in_a_fresh_process(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    generate(workspace, 2)
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", DRIVER + "print('linted')\n", "2", str(workspace)]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "linted\n"


def test_callgrinds_count_is_read_from_its_last_lines() -> None:
    stderr = (
        "==4559== Callgrind, a call-graph generating cache profiler\n"
        "==4559== Events    : Ir\n"
        "==4559== Collected : 4599770955\n"
        "==4559==\n"
        "==4559== I   refs:      4,599,770,955\n"
    )
    assert collected(stderr) == 4_599_770_955
    with pytest.raises(SystemExit, match="no count"):
        collected("==1== Callgrind\n")
