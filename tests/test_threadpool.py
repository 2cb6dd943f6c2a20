"""`thread_pool`: when the code using it is interrupted (an error, Ctrl-C, SIGTERM), the
tasks not yet started are dropped, not all run before the command can end."""

from __future__ import annotations

import threading

import pytest

from blueprintc.threadpool import thread_pool


def test_tasks_not_started_are_dropped_when_the_block_raises() -> None:
    started: list[int] = []
    running, gate = threading.Event(), threading.Event()

    def task(number: int) -> None:
        started.append(number)
        running.set()
        assert gate.wait(30)

    opener = threading.Timer(1.0, gate.set)  # the running task ends after the raise
    with pytest.raises(KeyboardInterrupt), thread_pool(1) as pool:
        for number in range(5):
            pool.submit(task, number)
        assert running.wait(30)
        opener.start()
        raise KeyboardInterrupt
    opener.join()
    assert started == [0]


def test_without_an_error_every_task_runs() -> None:
    with thread_pool(2) as pool:
        results = list(pool.map(lambda n: n * n, range(20)))
    assert results == [n * n for n in range(20)]
