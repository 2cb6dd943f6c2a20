"""`python -m benchmarks.lint [--blueprints 50] [--repeat 7] [--cold-caches] [--json]`.

Generates a catalog, checks it lints clean, then measures in this one process: lint
in-process (the call the CLI makes), the bare Helm renders that lint performed (recorded
in a first pass, replayed through the raw SDK), both with lint's thread pool and
sequentially, the CPU seconds of each (lint's Helm workers included, so the floor that
CPU puts under lint's wall time on this machine's cores is shown), and lint again with
its Helm workers at Go's defaults, beside the bare renders (like for like at Helm as it
ships), the bare renders again in a child process with the Helm workers' Go settings
(lint's own overhead against a Helm as cheap as lint's; both in
`benchmarks.lint.gosettings`), `blueprintc lint` as a fresh subprocess (start-up
included, as a pre-commit hook pays it) with its peak RSS. Lint runs its Blueprints
inside the Helm workers (`blueprintc.lint_jobs`), so their CPU is lint's too. With
`--cold-caches`, every process-wide blueprintc cache is cleared and the Helm workers are
stopped (they start again, cold) before each timed lint run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Samples, byte_compile, repeat, run_child
from benchmarks.lint.caches import clear_process_caches
from benchmarks.lint.cpu import measure as measure_cpu
from benchmarks.lint.generate import generate
from benchmarks.lint.gosettings import replay_at_worker_settings, workers_at_go_defaults
from benchmarks.lint.profiling import format_profile, profile_lint
from benchmarks.lint.replay import recording_renders, replay
from benchmarks.lint.report import Figures, format_table
from blueprintc import helm_pool
from blueprintc.diagnostics import Diagnostic, Severity
from blueprintc.lint import lint

WORKER_WARM_UP_RUNS = 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    byte_compile()
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-") as tmp:
        workspace = Path(tmp) / "workspace"
        generate(workspace, args.blueprints)
        figures = measure(workspace, args.blueprints, args.repeat, args.jobs, args.cold_caches)
        profile = profile_lint(workspace) if args.profile else None
    if args.json:
        data = figures.as_dict()
        if profile is not None:
            data["profile"] = profile.as_dict()
        print(json.dumps(data, indent=2))
    else:
        print(format_table(figures))
        if profile is not None:
            print(format_profile(profile))
            print(profile.top)
    return 0


def measure(
    workspace: Path, count: int, times: int, jobs: int, cold_caches: bool = False
) -> Figures:
    # First pass, in this process's threads (where the recording sees Helm's calls):
    # proves the catalog clean and records the renders. Then one untimed run of each.
    with recording_renders() as recording:
        result = lint([workspace], root=workspace, jobs=jobs, in_workers=False)
    _check_clean(result.active, len(result.blueprints), count)
    plan = recording.plan()
    replay(plan, jobs)
    # The Helm workers' imports, caches and Go heaps: each lints about half of the
    # Blueprints per run, and a worker's first runs were up to 30% slower than its later.
    for _ in range(WORKER_WARM_UP_RUNS):
        lint([workspace], root=workspace, jobs=jobs)
    samples: dict[str, list[float]] = {"lint": [], "bare": [], "lint1": [], "bare1": []}
    cpu: dict[str, list[float]] = {"lint": [], "helm": [], "bare": []}
    runs = {
        "lint": lambda: lint([workspace], root=workspace, jobs=jobs),
        "bare": lambda: replay(plan, jobs),
        "lint1": lambda: lint([workspace], root=workspace, jobs=1),
        "bare1": lambda: replay(plan, 1),
    }
    for _ in range(times):  # interleaved, so drift on a shared machine hits all alike
        for key, run in runs.items():
            if cold_caches and key.startswith("lint"):
                _start_cold()
            if key in ("lint", "bare"):
                measured = measure_cpu(run)
                samples[key].append(measured.wall)
                cpu[key].append(measured.own_cpu + (measured.helm_cpu if key == "lint" else 0))
                if key == "lint":
                    cpu["helm"].append(measured.helm_cpu)
            else:
                samples[key].extend(repeat(run, 1).seconds)
    at_defaults = _at_go_defaults(runs["lint"], runs["bare"], times, cold_caches)
    bare_go, bare_go_cpu = replay_at_worker_settings(plan, jobs, times)
    cli = [run_child(_cli_command(workspace, jobs), workspace) for _ in range(times)]
    for child in cli:
        if child.returncode != 0:
            raise SystemExit(f"`blueprintc lint` exited {child.returncode}:\n{child.output}")
    return Figures(
        blueprints=count,
        charts=len(plan),
        renders=recording.render_count,
        jobs=jobs,
        repeat=times,
        lint=Samples(tuple(samples["lint"])),
        bare=Samples(tuple(samples["bare"])),
        lint_sequential=Samples(tuple(samples["lint1"])),
        bare_sequential=Samples(tuple(samples["bare1"])),
        cli=Samples(tuple(c.seconds for c in cli)),
        lint_cpu=Samples(tuple(cpu["lint"])),
        lint_helm_cpu=Samples(tuple(cpu["helm"])),
        bare_cpu=Samples(tuple(cpu["bare"])),
        bare_go=bare_go,
        bare_go_cpu=bare_go_cpu,
        lint_at_go_defaults=at_defaults["lint"],
        bare_beside_go_defaults=at_defaults["bare"],
        lint_cpu_at_go_defaults=at_defaults["cpu"],
        cores=os.cpu_count() or 1,
        peak_rss_bytes=max(c.max_rss_bytes for c in cli),
    )


def _start_cold() -> None:
    """Untimed, before a timed lint run: blueprintc's process-wide caches cleared and its
    Helm workers (lint's jobs' hosts) stopped, so the run starts cold."""
    clear_process_caches()
    helm_pool.POOL.close()


def _at_go_defaults(
    lint_run: Callable[[], object],
    bare_run: Callable[[], object],
    times: int,
    cold_caches: bool,
) -> dict[str, Samples]:
    """Lint with its Helm workers at Go's defaults, interleaved with the bare renders
    (at those defaults in this process), after the same warm-up runs as above; with
    `cold_caches`, each timed lint run starts cold, as above."""
    samples: dict[str, list[float]] = {"lint": [], "bare": [], "cpu": []}
    with workers_at_go_defaults():
        for _ in range(WORKER_WARM_UP_RUNS):
            lint_run()
        for _ in range(times):
            if cold_caches:
                _start_cold()  # its workers start again at Go's defaults: the env is set
            measured = measure_cpu(lint_run)
            samples["lint"].append(measured.wall)
            samples["cpu"].append(measured.own_cpu + measured.helm_cpu)
            samples["bare"].extend(repeat(bare_run, 1).seconds)
    return {key: Samples(tuple(values)) for key, values in samples.items()}


def _check_clean(active: list[Diagnostic], linted: int, expected: int) -> None:
    errors = [d for d in active if d.severity >= Severity.ERROR]
    if errors or linted != expected:
        shown = "\n".join(
            f"  {d.rule} {d.location.file}:{d.location.line} {d.message}" for d in errors[:10]
        )
        raise SystemExit(
            f"the generated catalog must lint clean ({expected} Blueprints): "
            f"linted {linted}, {len(errors)} error(s)\n{shown}"
        )


def _cli_command(workspace: Path, jobs: int) -> list[str]:
    script = Path(sys.executable).parent / "blueprintc"
    if script.is_file():
        return [str(script), "lint", "--jobs", str(jobs), str(workspace)]
    return [sys.executable, "-m", "blueprintc", "lint", "--jobs", str(jobs), str(workspace)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lint", description=__doc__)
    parser.add_argument("--blueprints", type=int, default=50, help="catalog size (default 50)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=7,
        help="samples per figure (default 7: its ratios are of medians, and the bare renders "
        "take about 0.15 s, so one slow sample moves a median of 3)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="lint's thread pool (default 2)")
    parser.add_argument(
        "--cold-caches",
        action="store_true",
        help="clear blueprintc's process-wide caches before each timed lint run",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one lint run and group its time"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
