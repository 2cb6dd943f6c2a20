"""Shared by the benchmark runners: repeated samples, measured child processes, tables."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.treememory import TreeMemory

MIB = 1024 * 1024
# The real CLI in a fresh interpreter, as a user runs it.
CLI = [sys.executable, "-c", "import sys; from blueprintc.cli import main; sys.exit(main())"]
REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "blueprintc"


def python_path(environ: Mapping[str, str]) -> str:
    """`environ`'s PYTHONPATH with this checkout first: a child imports this blueprintc
    and these benchmarks."""
    return os.pathsep.join(filter(None, [str(REPO), environ.get("PYTHONPATH", "")]))


def byte_compile() -> None:
    """Byte-compile blueprintc's modules, as `pip install` (and so pre-commit's hook
    environment) does at install time. This checkout is an editable install, which has
    no .pyc files until an import writes them, and where PYTHONDONTWRITEBYTECODE is set
    (as on these machines) none is ever written: every CLI process measured would pay
    compiling ~270 modules from source, which no installed copy pays (about 140 ms of
    a one-Blueprint `lint`, 0.3 s of a promotion)."""
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit("benchmarks: byte-compiling blueprintc failed")


@dataclass(frozen=True)
class Samples:
    """Wall times in seconds of one measurement repeated."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def min(self) -> float:
        return min(self.seconds)

    @property
    def max(self) -> float:
        return max(self.seconds)

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median, 4),
            "min_s": round(self.min, 4),
            "max_s": round(self.max, 4),
            "samples_s": [round(s, 4) for s in self.seconds],
        }


def repeat(function: Callable[[], object], times: int) -> Samples:
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return Samples(tuple(seconds))


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_bytes: int
    returncode: int
    output: str
    tree_peak_bytes: int = 0  # with `tree_memory`: peak PSS of it and its descendants


def run_child(command: list[str], cwd: Path, tree_memory: bool = False) -> ChildRun:
    """Run a command to completion; its wall time and its own peak RSS (wait4 rusage),
    and with `tree_memory` the peak memory of it and every process it started."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeMemory(process.pid) if tree_memory else None
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if sampler is not None:
            sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB.
    tree = sampler.peak_bytes if sampler is not None else 0
    return ChildRun(seconds, usage.ru_maxrss * 1024, process.returncode, text, tree)


def mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


TARGET_ORGS = 1000  # the N that the compile, delivery and promotion targets are set for


def judged(orgs: int) -> bool:
    """Whether a run at N = ``orgs`` is judged against a target set for TARGET_ORGS:
    below it, start-up and other fixed costs make up the figure, and a FAIL there
    would say nothing about the target."""
    return orgs >= TARGET_ORGS


def mark_at_scale(ok: bool, orgs: int) -> str:
    """PASS/FAIL for a target set at TARGET_ORGS; below it, where it is judged."""
    return mark(ok) if judged(orgs) else f"judged at N = {TARGET_ORGS}"


Row = tuple[str, str, str, str]  # label, figure, target, PASS/FAIL (or "")


def format_rows(header: str, rows: list[Row]) -> str:
    """The header, then one aligned line per row (empty cells leave no trailing blanks)."""
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    lines = [header]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        lines.append(f"  {cells[0]}  {cells[1]}  {cells[2]}  {row[3]}".rstrip())
    return "\n".join(lines)


def run_cli(argv: list[str], cwd: Path) -> tuple[float, str]:
    """`blueprintc ARGV` in `cwd` as a fresh process: (wall seconds, its output); a
    failure ends the benchmark with that output."""
    child = run_child([*CLI, *argv], cwd)
    if child.returncode != 0:
        raise SystemExit(f"blueprintc {' '.join(argv)} failed:\n{child.output}")
    return child.seconds, child.output


def upper_median(values: list[float]) -> float:
    """The median, the upper of the two middle values for an even count."""
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
