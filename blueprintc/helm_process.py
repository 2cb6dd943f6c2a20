"""A Helm worker's process: how it is started, stopped, and what its death means.

`helm_pool` sends requests to these processes and keeps the budget; this module only
owns the operating-system side of a worker: its command line and module path, its
pipes and stderr file, its own temporary directory, the thread that starts it, and
reading why it died from what it left on stderr.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

from blueprintc import scratch

_STDERR_HEAD = 4096
# A worker's own temporary directory: `<tmp>/blueprintc-helm-worker-<random>`.
WORKER_TMP_PREFIX = "blueprintc-helm-worker-"
# Go's collector in a worker: Helm's live heap there is about 5 MB, so at Go's default
# (GOGC=100, a 4 MB minimum) it collected some 18 times per 50-Blueprint lint, for 13%
# of the run's CPU. At 400 it collects about 3.5 times (see `go_runtime_env`).
GO_GC_PERCENT = 400
# How Go reports a fatal error or a signal: the first line of what a dead worker said.
_GO_FATAL = ("fatal error", "panic:", "SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE")
# The collector's mark-queue frames: the first frame of its nil dereference when a
# mapping fails under the data cap (`collector_fault`).
_COLLECTOR_FRAMES = ("runtime.(*spanQueue).",)
# What a worker says when the data-segment cap stops it, besides Go's `out of memory`:
# a thread it could not start (`failed to create new OS thread ... errno=12`, then
# `fatal error: newosproc`: thread stacks count against RLIMIT_DATA), cgo's words for
# the same, or Python's own MemoryError outside the request handler.
_OUT_OF_MEMORY = (
    "out of memory",
    "cannot allocate memory",
    "errno=12",
    "MemoryError",
    "pthread_create failed: Resource temporarily unavailable",
)


@functools.cache
def _worker_path() -> str:
    """The worker's module path: the directory this `blueprintc` was imported from (the
    worker runs its parent's code), then the SDK's, then the caller's PYTHONPATH. The
    worker starts without `site` (-S: its .pth files cost a fifth of a start-up)."""
    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.find_spec("helm_python")
    sdk = [os.path.dirname(os.path.dirname(spec.origin))] if spec and spec.origin else []
    given = [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []
    return os.pathsep.join([home, *sdk, *given])


def go_runtime_env(memory_bytes: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The Go runtime settings of a worker started for a `memory_bytes` budget.

    GOGC=400: a collection when the heap has grown by four times what it held after the
    last, not once. A bigger chart's heap could then outgrow a budget that Go's default
    stays within (up to five times the live heap, not twice), so GOMEMLIMIT caps Go's
    memory at 2/5 of the budget: near it, Go collects as often as it must to stay below.
    Not half: a worker holds about 130 MiB of data before any chart (Python, the SDK, Go's
    runtime), and that plus half of the smallest budget (256 MiB) is past it. A chart with
    a 30 MB live heap, which fits 256 MiB at Go's defaults, needed 255-267 MiB with the
    limit at half and 231-251 MiB at 2/5 (`tests/lint/test_helm_workers.py`). Lint's heap,
    about 5 MB, never nears the limit; a chart whose live heap does is collected more
    often than at Go's default, and still fits.
    Go reads both only when its library loads, so a worker is started for one budget
    (`helm_pool.Worker` starts another for a call with a different one). A GOGC or
    GOMEMLIMIT of the user's own is passed on as it is.
    """
    settings = {"GOGC": str(GO_GC_PERCENT)}
    if memory_bytes > 0:
        settings["GOMEMLIMIT"] = str(memory_bytes * 2 // 5)
    return {name: value for name, value in settings.items() if name not in environ}


class WorkerProcess:
    """One running worker: its pipes, the file its stderr goes to, and its own temporary
    directory (its TMPDIR: what it leaves there when killed mid-call, such as a lint
    job's stand-in chart, is removed with it; held by both processes, so a later sweep
    removes it if neither stops the worker: `scratch`). It is started for a call
    budget's `memory_bytes` (its Go runtime's settings: `go_runtime_env`)."""

    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill()
        self.tmp = scratch.make(WORKER_TMP_PREFIX)
        try:
            self.popen = subprocess.Popen(
                # -P: never import from the current directory (a workspace's `blueprintc/`)
                [sys.executable, "-S", "-P", "-m", "blueprintc.helm_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                pass_fds=(self.tmp.fd,),  # its hold on its directory (`scratch`)
                env={
                    **os.environ,
                    **go_runtime_env(memory_bytes, os.environ),
                    "PYTHONPATH": _worker_path(),
                    "TMPDIR": self.tmp.path,
                },
            )
        except BaseException:  # SIGTERM or Ctrl-C while it starts: no worker to stop
            self.tmp.release()
            self.stderr.close()
            raise
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.requests = self.popen.stdin
        self.answers = self.popen.stdout.fileno()
        self.ready = False

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.close_pipes()
        self.tmp.release()

    def close_pipes(self) -> None:
        """Close this process's ends of the pipes and the stderr file (a forked child
        closes its copies and leaves the worker to its parent)."""
        for closing in (self.requests, self.popen.stdout, self.stderr):
            with suppress(OSError):
                closing.close()

    def said(self) -> str:
        """The start of what the worker has written to stderr so far."""
        self.stderr.seek(0)
        return self.stderr.read(_STDERR_HEAD).decode("utf-8", "replace")

    def died_of(self) -> tuple[str, bool]:
        """The first line of what the dead worker said on stderr (Go's fatal error), and
        whether what it said anywhere is its memory running out (`out_of_memory`)."""
        self.popen.wait()
        text = self.said()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith(_GO_FATAL)]
        if fatal or lines:  # Go's fatal error or signal comes first, Python's exception last
            return (fatal or lines[-1:])[0], out_of_memory(text)
        return f"exit status {self.popen.returncode}", False


def out_of_memory(stderr: str) -> bool:
    """Whether a dead worker's stderr says its memory ran out: in words, or as a nil
    dereference in Go's collector (`collector_fault`)."""
    return any(marker in stderr for marker in _OUT_OF_MEMORY) or collector_fault(stderr)


def collector_fault(stderr: str) -> bool:
    """Go's collector dereferenced nil (`SIGSEGV ... addr=0x0`, the faulting frame one of
    its mark queues'). Go 1.26's collector does that when a mapping it needs fails under
    the worker's data-segment cap: an over-budget render at GOGC=400 died so in 8 of 12
    runs, and of `fatal error: runtime: out of memory` in the others. The same render
    at GOGC=100 gave the fatal error in 12 of 12 (`go_runtime_env` raised GOGC)."""
    lines = stderr.splitlines()
    if not lines or not lines[0].startswith("SIGSEGV") or "addr=0x0" not in stderr[:512]:
        return False
    goroutine = next((i for i, line in enumerate(lines) if line.startswith("goroutine ")), None)
    if goroutine is None or goroutine + 1 >= len(lines):
        return False
    return lines[goroutine + 1].startswith(_COLLECTOR_FRAMES)  # the faulting frame


_SPAWNER: ThreadPoolExecutor | None = None
_SPAWNER_LOCK = threading.Lock()


def spawn(memory_bytes: int) -> WorkerProcess:
    """A worker process started from a thread that lives as long as this process.

    The worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), and
    the kernel means the parent *thread*: a worker started by a lint pool thread was
    killed when that thread ended, and the next call on it read as a memory overrun
    (BPI011 on a harmless chart). The main thread and one dedicated spawner thread
    (never ended before the interpreter) start every worker."""
    global _SPAWNER
    if threading.current_thread() is threading.main_thread():
        return WorkerProcess(memory_bytes)
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helm-spawner")
        spawner = _SPAWNER
    return spawner.submit(WorkerProcess, memory_bytes).result()


def forget_spawner() -> None:
    """In a forked child, which has none of its parent's threads: a spawner of its own
    is started when it is needed."""
    global _SPAWNER, _SPAWNER_LOCK
    _SPAWNER, _SPAWNER_LOCK = None, threading.Lock()
