"""The bare renders again, in a child process whose Go runtime has the Helm workers'
settings (`blueprintc.helm_process.go_runtime_env`: GOGC=400, GOMEMLIMIT).

Why: the workers run Go's collector less often than Go's default, which the bare
renders in the benchmark's own process keep (Go reads its settings when the SDK's
library loads, so they cannot change in that process). The ratio against these renders
is lint's own overhead, with Helm costing the same on both sides. It is shown beside
the ratio the issue's target is set on.

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

from benchmarks.common import Samples, python_path
from benchmarks.lint.replay import ChartRenders, replay
from blueprintc.helm_pool import DEFAULT_BUDGET
from blueprintc.helm_process import go_runtime_env


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
