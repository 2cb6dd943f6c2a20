"""Pausing Python's cyclic garbage collector around a run that allocates heavily.

Lint builds many short-lived containers (YAML nodes, parsed manifests, schema
validators' state) and makes few reference cycles: reference counting frees nearly
all of it, and the collector's passes over the live objects are overhead (a full
pass over a warm process takes tens of milliseconds). Compile is the same at scale:
at benchmarks.compile's N = 1000 its parent made 20 full passes over millions of
live objects and freed nothing, and its forked planners (which inherit the pause)
paid likewise; paused, the full compile took 22.9-23.6 s against 27.3-28.2 s, at
the same peak RSS (two alternating runs each). Paused for the run, the young
generations are collected once at its end, inside the run, so no deferred work
lands on whatever the caller does next.

`collector_paused()` is a context manager and, as such, a decorator too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    if not gc.isenabled():  # paused already (by the caller, or an enclosing run)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)
