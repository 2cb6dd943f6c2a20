"""`python -m benchmarks.startup [--repeat 7] [--orgs 100] [--json]`.

Runs the real CLI as a fresh subprocess (the console script's own two lines,
interpreter start-up included, as a pre-commit hook or CI step pays it) and
reports the median wall time of each command against its issue 11 target:

* `blueprintc --help`;
* `blueprintc lint blueprints/webapp` (one reference Blueprint);
* `blueprintc compile` with nothing to do (sealed) at N Organizations;
* `blueprintc lint` of one Blueprint whose chart is slow to render
  (`benchmarks.startup.slow_chart`), with `-j 2` (its renders made on both Helm workers
  at once, `BlueprintContext.render_all`) against `-j 1` (one after another) in the same
  run: the ratio, against its target.

blueprintc's own modules are byte-compiled first, as an installed copy's are
(`benchmarks.common.byte_compile`).

The bare interpreter (`python -c pass`) is measured in the same run, interleaved
with the commands, as the baseline: the machine is shared and noisy, so the
report gives each figure and its difference from that baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import REPO, Samples, byte_compile, mark, python_path, run_child
from benchmarks.compile.generate import generate
from benchmarks.startup.slow_chart import write_slow_blueprint

# The console script `blueprintc` (pyproject [project.scripts]) runs exactly this.
CLI = ("-c", "import sys; from blueprintc.cli import main; sys.exit(main())")
BASELINE = "python -c pass"


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]
    cwd: Path
    target_s: float | None
    expected_returncode: int = 0


def measure(commands: Sequence[Command], times: int) -> dict[str, Samples]:
    """Each command `times` times, round-robin so load spikes hit all of them alike."""
    seconds: dict[str, list[float]] = {command.label: [] for command in commands}
    for _ in range(times):
        for command in commands:
            run = run_child([sys.executable, *command.argv], command.cwd)
            if run.returncode != command.expected_returncode:
                raise SystemExit(
                    f"benchmarks.startup: {command.label} exited {run.returncode}, "
                    f"expected {command.expected_returncode}:\n{run.output}"
                )
            seconds[command.label].append(run.seconds)
    return {label: Samples(tuple(values)) for label, values in seconds.items()}


SLOW_ONE_BY_ONE = "blueprintc lint -j 1 (one slow chart)"
SLOW_AT_ONCE = "blueprintc lint -j 2 (one slow chart)"
SLOW_RATIO_TARGET = 0.8  # its renders at once against one after another


def commands(workspace: Path, orgs: int, slow: Path) -> list[Command]:
    lint_slow = (*CLI, "lint", "blueprints/slow")
    return [
        Command(BASELINE, ("-c", "pass"), REPO, None),
        Command("blueprintc --help", (*CLI, "--help"), REPO, 0.150),
        Command(
            "blueprintc lint blueprints/webapp", (*CLI, "lint", "blueprints/webapp"), REPO, 0.300
        ),
        Command(f"blueprintc compile (sealed, N = {orgs})", (*CLI, "compile"), workspace, 0.300),
        Command(SLOW_ONE_BY_ONE, (*lint_slow, "-j", "1"), slow, None),
        Command(SLOW_AT_ONCE, (*lint_slow, "-j", "2"), slow, None),
    ]


def slow_ratio_line(figures: dict[str, Samples]) -> str:
    ratio = figures[SLOW_AT_ONCE].median / figures[SLOW_ONE_BY_ONE].median
    return (
        f"{'slow chart: -j 2 / -j 1 (renders at once)':<44} {ratio:>7.2f}x {'':>9} "
        f"{'<= ' + str(SLOW_RATIO_TARGET) + 'x':>8}  {mark(ratio <= SLOW_RATIO_TARGET)}"
    )


def format_table(figures: dict[str, Samples], targets: dict[str, float | None]) -> str:
    base = figures[BASELINE].median
    lines = [f"{'command':<44} {'median':>8} {'- python':>9} {'target':>8}  verdict"]
    for label, samples in figures.items():
        target = targets[label]
        median = samples.median
        verdict = "" if target is None else mark(median < target)
        target_text = "" if target is None else f"< {target * 1000:.0f} ms"
        lines.append(
            f"{label:<44} {median * 1000:>5.0f} ms {(median - base) * 1000:>6.0f} ms "
            f"{target_text:>8}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ["PYTHONPATH"] = python_path(os.environ)
    byte_compile()
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-startup-") as tmp:
        workspace = Path(tmp) / "workspace"
        generate(workspace, args.orgs)
        # The first compile writes out/; every later one finds it sealed.
        first = run_child([sys.executable, *CLI, "compile"], workspace)
        if first.returncode != 0:
            raise SystemExit(f"benchmarks.startup: the first compile failed:\n{first.output}")
        slow = write_slow_blueprint(Path(tmp) / "slow")
        planned = commands(workspace, args.orgs, slow)
        figures = measure(planned, args.repeat)
    targets = {command.label: command.target_s for command in planned}
    if args.json:
        data = {
            label: {**samples.as_dict(), "target_s": targets[label]}
            for label, samples in figures.items()
        }
        ratio = figures[SLOW_AT_ONCE].median / figures[SLOW_ONE_BY_ONE].median
        data["slow chart ratio"] = {"ratio": ratio, "target": SLOW_RATIO_TARGET}
        print(json.dumps(data, indent=2))
    else:
        print(
            f"start-up: fresh process, median of {args.repeat} (interleaved), "
            "blueprintc byte-compiled as an install is"
        )
        print(format_table(figures, targets))
        print(slow_ratio_line(figures))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="samples per command")
    parser.add_argument("--orgs", type=int, default=100, help="Organizations for compile")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
