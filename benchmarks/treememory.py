"""The memory of a process and all its descendants together, sampled while they run.

`wait4`'s peak RSS is one process's: a compile that forks workers (and each starts a
Helm worker) spreads its memory over several. Summing each process's RSS would count
the pages a fork shares with its parent once per process, so this sums their PSS
(`/proc/PID/smaps_rollup`: each shared page split between the processes sharing it),
the figure the kernel gives for "memory of these processes together", every
`interval` seconds; the peak of those sums is reported. A peak shorter than the
interval can be missed: the interval is a tenth of a second against compiles of
tens of seconds.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


class TreeMemory:
    """Samples the PSS of `pid` and its descendants in a thread, until `stop`."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self.peak_processes = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            pids = descendants(self.pid)
            total = sum(pss_bytes(pid) for pid in pids)
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_processes = total, len(pids)


def descendants(root: int) -> list[int]:
    """`root` and every process below it (from each process's parent in /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, ()))
    return found


def pss_bytes(pid: int) -> int:
    """The process's proportional set size (0 once it has ended)."""
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0
