"""`python -m benchmarks.lint.instructions [--blueprints 50] [--against REV]`: lint's own
instructions per run, counted by callgrind: a figure free of the machine's noise.

Why: wall and CPU times vary by about 8% between runs on these machines, more than
most single changes to lint's Python move them. Callgrind counts the instructions a
process executes; lint runs here in one process (`in_workers=False`, one job), so
Helm's worker process is not counted and what is left is blueprintc's own work. The
same code counts the same to about 0.03% (`PYTHONHASHSEED=0`).

Lint of a generated catalog (`benchmarks.lint.generate`) runs once and three times,
each in a fresh process under `valgrind --tool=callgrind`, both at once; half the
difference is one warm run, without the interpreter's start-up, the imports and the
first run's caches. `--against REV` counts a checkout of REV (a temporary git
worktree) the same way on the same catalog and prints the ratio.

Needs valgrind (`apt-get install valgrind`); it is not part of `make bench`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.lint.generate import REPO, generate

RUNS = (1, 3)
# Lint in this process, `runs` times (an older tree's `lint` may lack `in_workers`).
DRIVER = """\
import sys
from pathlib import Path
import blueprintc.lint as lint_module
workspace = Path(sys.argv[2])
for _ in range(int(sys.argv[1])):
    try:
        lint_module.lint([workspace], root=workspace, jobs=1, in_workers=False)
    except TypeError:
        lint_module.lint([workspace], root=workspace, jobs=1)
"""
_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="blueprintc-instructions-") as tmp:
        workspace = Path(tmp) / "workspace"
        generate(workspace, args.blueprints)
        here = per_run(REPO, workspace)
        print(f"lint of {args.blueprints} Blueprints, one warm run: {here:,} instructions")
        if args.against:
            tree = Path(tmp) / "against"
            _git("worktree", "add", "--detach", "--quiet", str(tree), args.against)
            try:
                there = per_run(tree, workspace)
            finally:
                _git("worktree", "remove", "--force", str(tree))
            print(f"  at {args.against}: {there:,} instructions ({here / there:.4f}x)")
    return 0


def per_run(tree: Path, workspace: Path) -> int:
    """Instructions of one warm lint run of `workspace` by the blueprintc in `tree`."""
    with ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        once, thrice = pool.map(lambda runs: count(tree, workspace, runs), RUNS)
    return (thrice - once) // (RUNS[1] - RUNS[0])


def count(tree: Path, workspace: Path, runs: int) -> int:
    """Instructions of a fresh process that lints `workspace` `runs` times."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        DRIVER,
        str(runs),
        str(workspace),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the lint under callgrind failed:\n{done.stderr[-2000:]}")
    return collected(done.stderr)


def collected(stderr: str) -> int:
    """The instruction count callgrind reports at its end."""
    found = _COLLECTED.search(stderr)
    if found is None:
        raise SystemExit(f"callgrind reported no count:\n{stderr[-2000:]}")
    return int(found.group(1))


def _git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=REPO, check=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lint.instructions", description=__doc__
    )
    parser.add_argument("--blueprints", type=int, default=50, help="catalog size (default 50)")
    parser.add_argument("--against", metavar="REV", help="also count this git revision")
    return parser


if __name__ == "__main__":
    sys.exit(main())
