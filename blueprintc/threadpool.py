"""A thread pool that stops when the code using it is interrupted.

`with ThreadPoolExecutor() as pool:` waits, on the way out, for every task submitted,
started or not: a Ctrl-C or SIGTERM (which the CLI turns into an exception) in the
middle of linting 50 Blueprints went on to lint all of them before the command ended.
Here, when the block raises, the tasks not yet started are dropped (only the running
ones are waited for, as they cannot be stopped from outside)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


@contextmanager
def thread_pool(max_workers: int, name: str = "") -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
