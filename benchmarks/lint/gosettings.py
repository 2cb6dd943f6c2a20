"""Helm costing the same on both sides of lint's ratio, at either of the two Go settings.

The Helm workers run Go's collector less often than Go's default
(`blueprintc.helm_process.go_runtime_env`: GOGC=400, GOMEMLIMIT), and the bare renders
in the benchmark's own process keep the default (Go reads its settings when the SDK's
library loads, so they cannot change in that process). So the benchmark also measures:

- lint with its Helm workers started at Go's defaults (`workers_at_go_defaults`: given as
  the user's own settings, which the workers take as they are), against the bare
  renders at the same defaults: like for like at the issue's baseline, Helm as it ships;
- the bare renders in a child process at the workers' settings
  (`replay_at_worker_settings`): lint's own overhead against a Helm made as cheap as
  lint's, the strictest of the three ratios.

`python -m benchmarks.lint.gosettings PLAN JOBS TIMES` is the child: it replays the
pickled plan once untimed, then TIMES times, and prints the wall and CPU seconds of
each timed run as JSON.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from benchmarks.common import Samples, python_path
from benchmarks.lint.replay import ChartRenders, replay
from blueprintc import helm_pool
from blueprintc.helm_pool import DEFAULT_BUDGET
from blueprintc.helm_process import go_runtime_env

# Go's own defaults, spelled out: a collection each time the heap doubles, no soft limit.
GO_DEFAULTS = {"GOGC": "100", "GOMEMLIMIT": "off"}


@contextmanager
def workers_at_go_defaults() -> Iterator[None]:
    """Inside: the Helm workers (re)started with Go's defaults. After: started again as
    blueprintc starts them. A worker is started lazily, by its first call."""
    with mock.patch.dict(os.environ, GO_DEFAULTS):
        helm_pool.POOL.close()
        try:
            yield
        finally:
            helm_pool.POOL.close()


def replay_at_worker_settings(
    plan: list[ChartRenders], jobs: int, times: int
) -> tuple[Samples, Samples]:
    """Wall and CPU seconds of each of `times` replays of `plan` at the workers' Go
    settings."""
    with tempfile.NamedTemporaryFile(suffix=".pickle") as stored:
        pickle.dump(plan, stored)
        stored.flush()
        env = {**os.environ, **go_runtime_env(DEFAULT_BUDGET.memory_bytes, os.environ)}
        env["PYTHONPATH"] = python_path(env)
        command = [sys.executable, "-m", "benchmarks.lint.gosettings", stored.name]
        done = subprocess.run(
            [*command, str(jobs), str(times)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"the bare renders at the workers' Go settings failed:\n{done.stderr}")
    measured = json.loads(done.stdout)
    return Samples(tuple(measured["wall"])), Samples(tuple(measured["cpu"]))


def main(argv: list[str]) -> int:
    plan_file, jobs, times = argv[0], int(argv[1]), int(argv[2])
    with open(plan_file, "rb") as stored:
        plan: list[ChartRenders] = pickle.load(stored)
    replay(plan, jobs)  # untimed, as in the parent: charts' first loads, Go's heap
    walls, cpus = [], []
    for _ in range(times):
        cpu = time.process_time()
        start = time.perf_counter()
        replay(plan, jobs)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(json.dumps({"wall": walls, "cpu": cpus}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
