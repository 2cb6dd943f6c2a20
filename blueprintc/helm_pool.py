"""Helm under a budget: every SDK call runs in a worker process with a deadline and
a memory cap, and an overrun is a value (`HelmAborted`), never a hang or a death.

Why worker processes: helm-python-sdk has no limit of its own. Its only
cancellation token (`HelmContext`) reaches install and upgrade, not a render, and
Go's template engine would not look at it between the iterations of
`{{ range until 100000000 }}` anyway. A Go allocation that fails aborts the
whole process (`fatal error: out of memory`), which no Python code can catch. So
the SDK is loaded only in `python -m blueprintc.helm_worker` children, which
blueprintc's own process never imports; the parent kills a worker that runs past
the deadline and respawns it on the next call.

Cost, measured on the 50-Blueprint lint benchmark (2 cores): a call adds a frame
each way on a pipe; values and manifests cross as Helm's own JSON (the worker
passes them through untouched), and a load answers with the chart's metadata, so
a render costs what it did in-process plus about 0.3 ms. A worker starts in
~0.15 s of CPU (`python -S`, then the SDK's 85 MB library), overlapping the
parent's start-up (`start_early`), which no longer loads that library: the cold
`blueprintc lint` went from 1.93 s to 2.00 s (mean of 8 alternating runs), and
in-process lint/bare renders stayed ~2.2x. One worker per core, spawned on
demand up to `MAX_WORKERS`; a call prefers the worker that already holds its
chart. With one worker on two cores (one per *spare* core), `lint --jobs 2`
rendered on one core while the benchmark's bare renders used two: the 50-
Blueprint lint took 0.80-0.89 s against 0.55-0.62 s with two workers, and its
cold CLI 1.32-1.36 s against 0.98-1.23 s (`python -m benchmarks.lint`, two
alternating runs each; the second worker starts only when a second chart is
wanted at once, so linting one Blueprint still starts one).
"""

from __future__ import annotations

import atexit
import datetime
import itertools
import json
import os
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from blueprintc import scratch
from blueprintc.cores import usable_cores
from blueprintc.helm_process import (
    WORKER_TMP_PREFIX,
    WorkerProcess,
    forget_spawner,
    out_of_memory,
    spawn,
)
from blueprintc.helm_worker import FRAME

MAX_WORKERS = usable_cores()
BOOT_SECONDS = 120.0  # a worker's start-up (not charged to any call): a loaded CI machine
_READ_CHUNK = 1 << 20

Overrun = Literal["time", "memory", "output", "crash"]


@dataclass(frozen=True)
class Budget:
    """What one Helm call may take: wall-clock seconds, data memory of the worker
    (Helm's Go heap included) and bytes of output."""

    seconds: float = 10.0
    memory_bytes: int = 1 << 30
    output_bytes: int = 64 << 20


DEFAULT_BUDGET = Budget()
LEAST_MEMORY_MIB = 256  # the smallest `helm.memoryMiB` a workspace may set


class HelmAborted(Exception):
    """Helm did not finish a call within its budget (or its process died)."""

    def __init__(self, reason: Overrun, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class HelmCallError(Exception):
    """Helm refused the call; `kind` is the SDK's exception class name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class UnknownChart(Exception):
    """The worker no longer holds that chart (evicted, or a respawned worker)."""


# Chart ids are given by blueprintc and never reused, so an id sent to a respawned
# worker is unknown there rather than another chart's.
CHART_IDS = itertools.count(1)


class Worker:
    """A slot in the pool: a worker process, respawned after it was killed (the charts
    it held are then unknown to it)."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.process: WorkerProcess | None = None
        self.busy = False

    def start(self, memory_bytes: int = DEFAULT_BUDGET.memory_bytes) -> None:
        if self.process is None:
            self.process = spawn(memory_bytes)

    def call(
        self,
        header: dict[str, Any],
        budget: Budget,
        blob: bytes = b"",
        seconds: float | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        """Send one request and wait for its answer for at most the budget's seconds
        (`seconds` instead, for a call such as `dependency build` that downloads)."""
        encoded = json.dumps(with_budget(header, budget), default=as_helm_reads).encode()
        process = self._send(FRAME.pack(len(encoded), len(blob)) + encoded + blob, budget)
        limit = budget.seconds if seconds is None else seconds
        answer, data = self._receive(process, time.monotonic() + limit, budget)
        return accepted(answer, data, budget)

    def _send(self, frame: bytes, budget: Budget) -> WorkerProcess:
        """Write the request to a live worker. One that died while idle (killed from
        outside, say) is replaced first: that is not the request's doing. So is one
        started for another memory budget (`helm_process.go_runtime_env`)."""
        for attempt in (1, 2):
            if self.process is not None and (
                self.process.popen.poll() is not None
                or self.process.memory_bytes != budget.memory_bytes  # its Go settings
            ):
                self._stop()
            self.start(budget.memory_bytes)
            process = self.process
            assert process is not None
            if not process.ready:
                self._receive(process, time.monotonic() + BOOT_SECONDS, budget, booting=True)
                process.ready = True
            try:
                process.requests.write(frame)
                process.requests.flush()
                return process
            except OSError:
                if attempt == 2:
                    raise self._died(process, budget) from None
                self._stop()
        raise AssertionError("unreachable")

    def _receive(
        self, process: WorkerProcess, deadline: float, budget: Budget, booting: bool = False
    ) -> tuple[dict[str, Any], bytes]:
        head = self._read(process, FRAME.size, deadline, budget, booting)
        header_size, blob_size = FRAME.unpack(head)
        if blob_size > budget.output_bytes + (1 << 20) or header_size > 1 << 20:
            self._stop()
            raise HelmAborted("output", _overrun_message("output", budget, ""))
        body = self._read(process, header_size + blob_size, deadline, budget, booting)
        return json.loads(body[:header_size]), body[header_size:]

    def _read(
        self, process: WorkerProcess, size: int, deadline: float, budget: Budget, booting: bool
    ) -> bytes:
        chunks: list[bytes] = []
        missing = size
        while missing:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([process.answers], [], [], left)[0]
            if not ready:
                said = process.said()
                self._stop()
                if booting:
                    raise HelmAborted("crash", "the Helm worker process did not start in time")
                if out_of_memory(said):  # its memory ran out, then its fatal error hung
                    raise HelmAborted("memory", _overrun_message("memory", budget, ""))
                raise HelmAborted("time", _overrun_message("time", budget, ""))
            chunk = os.read(process.answers, min(missing, _READ_CHUNK))
            if not chunk:
                raise self._died(process, budget)
            chunks.append(chunk)
            missing -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _died(self, process: WorkerProcess, budget: Budget) -> HelmAborted:
        why, memory = process.died_of()
        self._stop()
        if memory:
            return HelmAborted("memory", _overrun_message("memory", budget, why))
        if process.popen.returncode == -signal.SIGKILL:  # the kernel's OOM killer
            return HelmAborted("memory", _overrun_message("memory", budget, "killed"))
        return HelmAborted("crash", f"Helm stopped unexpectedly ({why})")

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None


def with_budget(header: dict[str, Any], budget: Budget) -> dict[str, Any]:
    """A request as a worker takes it: with the memory cap and output cap it enforces."""
    return {**header, "memory": budget.memory_bytes, "max_output": budget.output_bytes}


def accepted(answer: dict[str, Any], data: bytes, budget: Budget) -> tuple[dict[str, Any], bytes]:
    """A worker's answer as its caller gets it: the answer and data, or the exception
    its error stands for."""
    if answer.get("ok"):
        return answer, data
    error = str(answer.get("error"))
    if error == "unknown-chart":
        raise UnknownChart
    if error in ("memory", "output"):
        raise HelmAborted(error, _overrun_message(error, budget, str(answer.get("message"))))
    raise HelmCallError(error, str(answer.get("message", "")))


def as_helm_reads(value: Any) -> Any:
    """Values as Helm reads them from YAML: a date or timestamp is its text, binary its
    bytes (Helm's YAML reader keeps both as strings)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _overrun_message(reason: str, budget: Budget, detail: str) -> str:
    if reason == "time":
        return f"Helm ran past its {budget.seconds:g} s time budget"
    if reason == "memory":
        return f"Helm ran out of its {budget.memory_bytes >> 20:,} MiB memory budget"
    return detail or f"Helm's output is over the {budget.output_bytes:,}-byte limit"


class Pool:
    """Workers spawned on demand, one per concurrent caller, at most `size`."""

    def __init__(self, size: int = MAX_WORKERS) -> None:
        self.size = size
        self.workers: list[Worker] = []
        self.changed = threading.Condition()

    @contextmanager
    def lease(self, preferred: Worker | None = None) -> Iterator[Worker]:
        """A worker for the caller alone: `preferred` when it is free (it holds the
        caller's chart), else any free one, else a new one, else the first to be free."""
        with self.changed:
            while True:
                worker = self._free(preferred)
                if worker is not None:
                    break
                self.changed.wait()
            worker.busy = True
        try:
            yield worker
        finally:
            with self.changed:
                worker.busy = False
                self.changed.notify_all()

    def _free(self, preferred: Worker | None) -> Worker | None:
        if preferred is not None and not preferred.busy:
            return preferred
        for worker in self.workers:
            if not worker.busy:
                return worker
        if len(self.workers) < self.size:
            self.workers.append(Worker(len(self.workers)))
            return self.workers[-1]
        return None

    def warm(self, count: int) -> None:
        """Start up to `count` workers now, so their start-up overlaps the caller's work."""
        with self.changed:
            while len(self.workers) < min(count, self.size):
                self.workers.append(Worker(len(self.workers)))
            for worker in self.workers[:count]:
                if not worker.busy:
                    worker.start()

    def close(self) -> None:
        """Stop the idle workers, then remove what workers of processes that ended
        without stopping theirs left behind (`scratch`)."""
        with self.changed:
            for worker in self.workers:
                if not worker.busy:
                    worker._stop()
        scratch.sweep(WORKER_TMP_PREFIX)

    def forget_after_fork(self) -> None:
        """In a forked child: the workers are the parent's, so this process starts its
        own when it needs one (its copies of their pipes are closed; the parent's
        workers are left running for the parent). Charts held by index are loaded
        again in the new workers (`UnknownChart`)."""
        self.changed = threading.Condition()
        for worker in self.workers:
            process, worker.process, worker.busy = worker.process, None, False
            if process is not None:
                process.close_pipes()


POOL = Pool()
atexit.register(POOL.close)


def _after_fork_in_child() -> None:
    """A forked child has none of its parent's threads: no spawner, no workers."""
    forget_spawner()
    POOL.forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def start_early(command: list[str], workers: dict[str, int]) -> None:
    """Start `workers[command]` workers now (a CLI entry point, before its imports)."""
    if command and command[0] in workers:
        POOL.warm(workers[command[0]])
