"""How many cores blueprintc's pools may use: one answer for every pool."""

from __future__ import annotations

import os

MAX_CORES = 8  # past this, the pools' work (compile plans, Helm, kustomize) stops scaling


def usable_cores(limit: int = MAX_CORES) -> int:
    """The cores this process may run on (its CPU affinity where the OS has one: a
    container's cpuset, `taskset`; macOS has no `sched_getaffinity`, so the CPU count
    there), at least 1 and at most ``limit``."""
    if hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count() or 1
    return max(1, min(limit, count))
