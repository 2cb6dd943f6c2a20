"""Blueprints linted inside the Helm worker processes, a whole Blueprint per request.

Why: lint's rules are Python, so its thread pool ran them one at a time under the
GIL while the Helm workers rendered, and every render crossed a pipe as JSON. On the
50-Blueprint lint benchmark (2 cores) the rules' CPU alone (0.34-0.40 s) was twice
the bare renders' wall time. A Helm worker already has the SDK loaded and one core to
itself, so it runs `lint_blueprint` too (the `lint` request): the rules of two
Blueprints run at once, and their Helm calls are in-process calls, with no frames.

The parent sends the same pickled `Session` with every request (10 kB for a real
workspace; a worker keeps the last one it unpickled) and gets the Blueprint's
diagnostics back pickled. Pickle is safe here: both ends are this program, on a pipe
of its own.

Helm's budget holds inside the worker: an interval timer of the budget's seconds
runs during each Helm call, and SIGALRM, left at its default action, ends the worker
(Go does not catch it); the memory cap covers the whole worker. A job that does not
come back for any reason (the worker died or the job raised) is linted again the
usual way, in this process with the Helm workers behind `helm_pool`, which reports
an overrun as BPI011 exactly as before: a chart over its time budget costs that
budget twice, once here and once there.
"""

from __future__ import annotations

import hashlib
import pickle
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc.diagnostics import Diagnostic
from blueprintc.helm_pool import (
    POOL,
    Budget,
    HelmAborted,
    HelmCallError,
    UnknownChart,
    Worker,
    accepted,
    with_budget,
)
from blueprintc.threadpool import thread_pool
from blueprintc.workspace import Workspace

# A job's Helm calls are each held to the budget in the worker; this bounds only a job
# that never answers for another reason.
JOB_SECONDS = 3600.0


@dataclass(frozen=True)
class Session:
    """What every Blueprint of one lint run is linted with."""

    workspace: Workspace
    rule_ids: tuple[str, ...]
    offline: bool
    values_files: tuple[tuple[str, dict[str, Any]], ...]


def lint_in_workers(
    dirs: list[Path],
    session: Session,
    jobs: int,
    classic: Callable[[Path], list[Diagnostic]],
) -> list[list[Diagnostic]]:
    """Each Blueprint's diagnostics, in the order of `dirs`, from `jobs` workers at
    once; `classic(directory)` lints a Blueprint whose job did not come back."""
    blob = pickle.dumps(session, protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(blob).hexdigest()
    budget = session.workspace.helm_budget

    def one(directory: Path) -> list[Diagnostic]:
        request = {"op": "lint", "session": key, "dir": str(directory)}
        try:
            with POOL.lease() as worker:
                _, data = worker.call(request, budget, blob, seconds=JOB_SECONDS)
        except (HelmAborted, HelmCallError, UnknownChart):
            return classic(directory)
        found: list[Diagnostic] = pickle.loads(data)
        return found

    with thread_pool(max(1, jobs)) as pool:
        return list(pool.map(one, dirs))


# The worker's side.

_sessions: dict[str, Session] = {}


class InProcessWorker(Worker):
    """The pool's one slot in a Helm worker running a lint job: a call is made here,
    under an interval timer of the budget's seconds (see the module docstring)."""

    def __init__(self, handler: Any) -> None:
        super().__init__(0)
        self.handler = handler

    def start(self, memory_bytes: int = 0) -> None:
        pass

    def _stop(self) -> None:
        pass

    def call(
        self,
        header: dict[str, Any],
        budget: Budget,
        blob: bytes = b"",
        seconds: float | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        signal.setitimer(signal.ITIMER_REAL, budget.seconds if seconds is None else seconds)
        try:
            answer, data = self.handler.handle(with_budget(header, budget), blob)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return accepted(answer, data, budget)


def run_job(handler: Any, header: dict[str, Any], blob: bytes) -> tuple[dict[str, Any], bytes]:
    """A `lint` request, in the Helm worker whose request handler is `handler`: the
    Blueprint's diagnostics, pickled; any failure is an error answer (the parent then
    lints the Blueprint itself)."""
    in_process = None
    try:
        session = _session(header["session"], blob)
        if not any(isinstance(w, InProcessWorker) for w in POOL.workers):
            # A handler of its own: its chart ids are this process's, not the parent's.
            POOL.size, POOL.workers = 1, [InProcessWorker(type(handler)())]
        in_process = POOL.workers[0]
        from blueprintc.collector import collector_paused
        from blueprintc.lint import lint_blueprint
        from blueprintc.rules import RULES

        rules = [RULES[rule_id] for rule_id in session.rule_ids]
        with collector_paused():
            found = lint_blueprint(
                Path(header["dir"]),
                session.workspace,
                rules,
                offline=session.offline,
                values_files=session.values_files,
            )
        return {"ok": True}, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return {"ok": False, "error": "lint", "message": repr(exc)}, b""
    finally:
        if isinstance(in_process, InProcessWorker):  # its charts: the job's, done with
            in_process.handler.close_charts()


def _session(key: str, blob: bytes) -> Session:
    session = _sessions.get(key)
    if session is None:
        session = pickle.loads(blob)
        _sessions.clear()
        _sessions[key] = session
    return session
