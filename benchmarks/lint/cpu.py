"""CPU seconds of a run: this process's (every thread, Helm's Go threads of the bare
renders included) and blueprintc's Helm worker processes'.

Wall time on a shared machine says how long a run took; CPU time says how much work it
was, and that bounds the wall time once every core is busy: a run that needs C
CPU-seconds takes at least C / cores seconds, however its work is spread or overlapped.
The lint benchmark prints that floor beside the ratio it holds lint to.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from blueprintc import helm_pool

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Measured:
    wall: float
    own_cpu: float  # this process, all threads
    helm_cpu: float  # the Helm worker processes


def measure(run: Callable[[], object]) -> Measured:
    """Wall and CPU seconds of `run()`."""
    helm = helm_workers_cpu()
    own = time.process_time()
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    return Measured(wall, time.process_time() - own, helm_workers_cpu() - helm)


def helm_workers_cpu() -> float:
    """User and system CPU seconds the live Helm workers have used so far (Linux /proc;
    0 elsewhere). A worker respawned during a run counts from its start."""
    total = 0.0
    for worker in helm_pool.POOL.workers:
        process = worker.process
        if process is None:
            continue
        try:
            with open(f"/proc/{process.popen.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return total
