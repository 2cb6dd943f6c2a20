"""`python -m benchmarks.compile [--orgs 100 1000] [--repeat N] [--json] [--profile]`.

For each N, generates a workspace of N Organizations x 3 Environments x 5
Applications (see generate.py), checks that it compiles with no diagnostics,
then measures, each in a fresh process (wall time from outside, peak RSS from
the process's own rusage, start-up and imports included):

* a full compile into a fresh out/, with `--jobs` processes planning (default: the
  cores this process may use, as `blueprintc compile` does), with the peak memory of
  all its processes together (benchmarks/treememory.py), and the same compile in one
  process, for the speed-up;
* a no-change rebuild (the same compile again, into the same out/);
* a one-Application rebuild (one Application's config edited in one
  Organization file, then the compile again);
* the baseline: the same planned documents serialised with PyYAML's
  CSafeDumper and nothing else, then written into a fresh directory, each
  timed alone.

The file system is synced before every measured process, so none pays for the
write-back of another. Trees are deleted only at the end (deleting 100,000
files makes the next writes on this file system slow).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import ChildRun, Samples, byte_compile, run_child
from benchmarks.compile.generate import REPO, change_one_application, generate
from benchmarks.compile.profiling import summarise
from benchmarks.compile.report import Figures, Rebuild, format_table


@dataclass(frozen=True)
class Measured:
    run: ChildRun
    result: dict[str, Any]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    byte_compile()
    reports: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-compile-") as tmp:
        for count in args.orgs:
            base = Path(tmp) / f"n{count}"
            workspace = base / "workspace"
            generate(workspace, count, seed=args.seed)
            times = args.repeat or (1 if count >= 1000 else 3)
            figures = measure(workspace, base, count, times, args.jobs)
            data = figures.as_dict()
            if args.profile:
                profile = _child("profile", workspace, base / "profile-out", args.jobs)
                data["profile"] = summarise(Path(profile.result["_file"] + ".prof"))
            reports.append(data)
            if not args.json:
                print(format_table(figures))
                if args.profile:
                    print(data["profile"])
                print(flush=True)
    if args.json:
        print(json.dumps(reports, indent=2))
    return 0


def measure(workspace: Path, base: Path, count: int, times: int, jobs: int) -> Figures:
    full: list[Measured] = []
    single: list[Measured] = []
    baselines: list[Measured] = []
    no_change: list[Measured] = []
    one_app: list[Measured] = []
    changed: list[str] = []
    for index in range(times):  # interleaved, so drift on a shared machine hits all alike
        baselines.append(_child("baseline", workspace, base / f"baseline-{index}"))
        _check_clean(baselines[-1], "plan")
        out = base / f"out-{index}"
        full.append(_child("compile", workspace, out, jobs))
        _check_clean(full[-1], "compile")
        if jobs > 1:
            single.append(_child("compile", workspace, base / f"single-{index}"))
        no_change.append(_child("compile", workspace, out, jobs))
        changed.append("/".join(change_one_application(workspace, count, index + 1)))
        one_app.append(_child("compile", workspace, out, jobs))
    first = baselines[0].result
    phases = {
        "import": "import_seconds",
        "plan": "plan_seconds",
        "validate": "validate_seconds",
        "emit": "emit_seconds",
        "emit_serialise": "serialise_seconds",
        "emit_write": "write_seconds",
    }
    return Figures(
        orgs=count,
        repeat=times,
        files=first["files"],
        documents=first["documents"],
        objects=full[0].result["objects"],
        full=_wall(full),
        full_in_process=_field(full, "seconds"),
        full_peak_rss_bytes=max(m.run.max_rss_bytes for m in full),
        full_tree_peak_bytes=max(m.run.tree_peak_bytes for m in full),
        jobs=jobs,
        single=_wall(single) if single else None,
        phases={name: _field(full, key) for name, key in phases.items()},
        baseline_serialise=_field(baselines, "serialise_seconds"),
        baseline_write=_field(baselines, "write_seconds"),
        baseline_bytes=first["bytes"],
        no_change=_rebuild(no_change),
        one_app=_rebuild(one_app),
        changed=tuple(changed),
    )


def _child(mode: str, workspace: Path, out: Path, jobs: int = 1) -> Measured:
    runs = sorted(out.parent.glob(f"{out.name}.*.json"))
    result_file = out.with_name(f"{out.name}.{len(runs)}-{mode}.json")
    command = [sys.executable, "-m", "benchmarks.compile.child", mode]
    command += [str(workspace), str(out), str(result_file), str(jobs)]
    os.sync()  # nobody pays for an earlier process's write-back
    run = run_child(command, REPO, tree_memory=True)
    if run.returncode != 0:
        raise SystemExit(f"`{' '.join(command)}` exited {run.returncode}:\n{run.output}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["_file"] = str(result_file)
    return Measured(run, result)


def _check_clean(measured: Measured, what: str) -> None:
    result = measured.result
    if result["diagnostic_count"]:
        shown = "\n".join(f"  {line}" for line in result["diagnostics"])
        raise SystemExit(
            f"the generated workspace must {what} with no diagnostics: "
            f"{result['diagnostic_count']} found\n{shown}"
        )


def _wall(runs: list[Measured]) -> Samples:
    return Samples(tuple(m.run.seconds for m in runs))


def _field(runs: list[Measured], key: str) -> Samples:
    return Samples(tuple(float(m.result.get(key) or 0.0) for m in runs))


def _rebuild(runs: list[Measured]) -> Rebuild:
    owners = sorted({owner for m in runs for owner in m.result.get("owners", [])})
    return Rebuild(
        wall=_wall(runs),
        peak_rss_bytes=max(m.run.max_rss_bytes for m in runs),
        written=tuple(int(m.result.get("written", 0)) for m in runs),
        owners=tuple(owners),
        paths=tuple(str(m.result.get("path", "")) for m in runs),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compile", description=__doc__)
    parser.add_argument(
        "--orgs", type=int, nargs="+", default=[100, 1000], help="N values (default 100 1000)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="samples per figure, the median is shown (default 3, or 1 at N >= 1000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(8, len(os.sched_getaffinity(0))),
        help="processes a compile plans in (default: the cores, at most 8, as the CLI)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one full compile per N"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
