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
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

_STDERR_HEAD = 4096
# What a worker says when the data-segment cap stops it, besides Go's `out of memory`:
# a thread it could not start (`failed to create new OS thread ... errno=12`, then
# `fatal error: newosproc`: thread stacks count against RLIMIT_DATA) or Python's own
# MemoryError outside the request handler.
# Go's and cgo's words for memory running out under the worker's cap; a thread's stack
# counts against it, so a thread Go or glibc cannot start means the same.
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


class WorkerProcess:
    """One running worker: its pipes, the file its stderr goes to, and its own temporary
    directory (its TMPDIR: what it leaves there when killed mid-call, such as a lint
    job's stand-in chart, is removed with it)."""

    def __init__(self) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill()
        self.tmp = tempfile.mkdtemp(prefix="blueprintc-helm-worker-")
        self.popen = subprocess.Popen(
            # -P: never import from the current directory (a workspace's `blueprintc/`)
            [sys.executable, "-S", "-P", "-m", "blueprintc.helm_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={**os.environ, "PYTHONPATH": _worker_path(), "TMPDIR": self.tmp},
        )
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.requests = self.popen.stdin
        self.answers = self.popen.stdout.fileno()
        self.ready = False

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.close_pipes()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def close_pipes(self) -> None:
        """Close this process's ends of the pipes and the stderr file (a forked child
        closes its copies and leaves the worker to its parent)."""
        for closing in (self.requests, self.popen.stdout, self.stderr):
            with suppress(OSError):
                closing.close()

    def died_of(self) -> tuple[str, bool]:
        """The first line of what the dead worker said on stderr (Go's fatal error), and
        whether what it said anywhere is its memory running out (`out_of_memory`)."""
        self.popen.wait()
        self.stderr.seek(0)
        text = self.stderr.read(_STDERR_HEAD).decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith("fatal error")]
        if fatal or lines:  # Go's fatal error comes first, Python's exception last
            return (fatal or lines[-1:])[0], out_of_memory(text)
        return f"exit status {self.popen.returncode}", False


def out_of_memory(stderr: str) -> bool:
    """Whether a dead worker's stderr says its memory ran out."""
    return any(marker in stderr for marker in _OUT_OF_MEMORY)


_SPAWNER: ThreadPoolExecutor | None = None
_SPAWNER_LOCK = threading.Lock()


def spawn() -> WorkerProcess:
    """A worker process started from a thread that lives as long as this process.

    The worker asks the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), and
    the kernel means the parent *thread*: a worker started by a lint pool thread was
    killed when that thread ended, and the next call on it read as a memory overrun
    (BPI011 on a harmless chart). The main thread and one dedicated spawner thread
    (never ended before the interpreter) start every worker."""
    global _SPAWNER
    if threading.current_thread() is threading.main_thread():
        return WorkerProcess()
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helm-spawner")
        spawner = _SPAWNER
    return spawner.submit(WorkerProcess).result()


def forget_spawner() -> None:
    """In a forked child, which has none of its parent's threads: a spawner of its own
    is started when it is needed."""
    global _SPAWNER, _SPAWNER_LOCK
    _SPAWNER, _SPAWNER_LOCK = None, threading.Lock()
