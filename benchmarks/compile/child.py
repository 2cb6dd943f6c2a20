"""One measured run, in its own process:
`python -m benchmarks.compile.child MODE ROOT OUT RESULT [JOBS]`.

Modes:

* `compile`: `run_compile(ROOT, out=OUT, jobs=JOBS)`, the call `blueprintc compile`
  makes, with timers around the library calls it makes (planning, validation, emit);
  JOBS (default 1) processes plan the Organizations;
* `baseline`: plan once, then time only PyYAML's CSafeDumper serialising the
  planned documents, and, separately, writing them into OUT (a fresh directory);
* `profile`: `compile` under cProfile; the stats go to RESULT + `.prof`.

The figures go to RESULT as JSON. The parent measures the process's wall time
and peak RSS from outside, so import cost is included as a user pays it.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import cProfile  # noqa: E402 (after the start mark: imports are part of the figures)
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from unittest import mock  # noqa: E402

Result = dict[str, Any]


def main(argv: list[str]) -> int:
    mode, root, out, result_file = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    jobs = int(argv[4]) if len(argv) > 4 else 1
    if mode == "compile":
        result = measure_compile(root, out, jobs)
    elif mode == "baseline":
        result = measure_baseline(root, out)
    elif mode == "profile":
        profiler = cProfile.Profile()
        result = profiler.runcall(measure_compile, root, out, jobs)
        profiler.dump_stats(str(result_file) + ".prof")
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    result_file.write_text(json.dumps(result), encoding="utf-8")
    return 0


@contextmanager
def timed(target: Any, name: str, spent: dict[str, float]) -> Iterator[None]:
    """Within the block, time every call of `target.name` (summed into `spent[name]`)."""
    original: Callable[..., Any] = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    with mock.patch.object(target, name, wrapper):
        yield


def measure_compile(root: Path, out: Path, jobs: int = 1) -> Result:
    start = time.perf_counter()
    import blueprintc.emit
    from blueprintc.compile import planner, run

    imported = time.perf_counter()
    spent: dict[str, float] = {}
    with ExitStack() as stack:
        # Each where run.py looks it up when called (it imports the planner and emit
        # lazily, so a sealed compile loads neither).
        for target, name in (
            (run, "plan"),
            (planner, "compile_workspace"),
            (blueprintc.emit, "emit"),
        ):
            stack.enter_context(timed(target, name, spent))
        outcome = run.run_compile(root, out=out, jobs=jobs)
        seconds = time.perf_counter() - imported
    report = outcome.report
    result: Result = {
        "seconds": seconds,
        "import_seconds": imported - start,
        "since_start_seconds": time.perf_counter() - STARTED,
        "plan_seconds": spent.get("compile_workspace", 0.0),
        "validate_seconds": spent.get("plan", 0.0) - spent.get("compile_workspace", 0.0),
        "emit_seconds": spent.get("emit", 0.0),
        "files": len(outcome.files),
        "documents": sum(len(f.documents) for f in outcome.files),
        "objects": len(outcome.kinds),
        "diagnostics": [
            f"{d.rule} {d.location.file}:{d.location.line} {d.message}"
            for d in outcome.diagnostics[:20]
        ],
        "diagnostic_count": len(outcome.diagnostics),
        "jobs": jobs,
        "path": "sealed"
        if outcome.sealed is not None
        else "partial"
        if outcome.patched is not None
        else "full",
    }
    if report is not None:
        result.update(
            strategy=report.strategy,
            written=len(report.written),
            unchanged=len(report.unchanged),
            removed=len(report.removed),
            serialised=report.serialised,
            owners=list(report.owners[:20]),
            owner_count=len(report.owners),
            serialise_seconds=getattr(report, "serialise_seconds", None),
            write_seconds=getattr(report, "write_seconds", None),
        )
    return result


def measure_baseline(root: Path, out: Path) -> Result:
    import yaml

    from blueprintc.compile.planner import compile_workspace

    planned = compile_workspace(root)
    files = [(f.path, _documents(f)) for f in planned.files]
    result: Result = {
        "files": len(files),
        "documents": sum(len(d) for _, d in files),
        "diagnostic_count": len(planned.diagnostics),
        "diagnostics": [
            f"{d.rule} {d.location.file}:{d.location.line} {d.message}"
            for d in planned.diagnostics[:20]
        ],
    }
    start = time.perf_counter()
    blobs = [
        (path, yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False).encode("utf-8"))
        for path, docs in files
    ]
    result["serialise_seconds"] = time.perf_counter() - start
    result["bytes"] = sum(len(b) for _, b in blobs)
    start = time.perf_counter()
    _write_tree(out, blobs)
    result["write_seconds"] = time.perf_counter() - start
    return result


def _documents(file: Any) -> tuple[Any, ...]:
    """The file's documents (built now, if the plan made them lazy)."""
    content = getattr(file, "content", None)
    return tuple(content() if callable(content) else file.documents)


def _write_tree(out: Path, blobs: list[tuple[str, bytes]]) -> None:
    """Plain writes into a fresh directory: no temp tree, no fsync, no manifest."""
    os.mkdir(out)
    made: set[str] = set()
    for path, data in blobs:
        parent = path.rpartition("/")[0]
        if parent and parent not in made:
            os.makedirs(out / parent, exist_ok=True)
            made.add(parent)
        with open(out / path, "wb") as handle:
            handle.write(data)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
