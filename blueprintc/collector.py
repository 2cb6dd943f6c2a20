"""Pausing Python's cyclic garbage collector around a run that allocates heavily.

Lint builds many short-lived containers (YAML nodes, parsed manifests, schema
validators' state) and makes few reference cycles: reference counting frees nearly
all of it, and the collector's passes over the live objects are overhead (a full
pass over a warm process takes tens of milliseconds). Paused for the run, the young
generations are collected once at its end, inside the run, so no deferred work
lands on whatever the caller does next.
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
