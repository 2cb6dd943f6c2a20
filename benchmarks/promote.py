"""`python -m benchmarks.promote [--orgs 1000] [--repeat 3] [--json]`.

For each N, generates the benchmark workspace (benchmarks/compile/generate.py),
locks it, and measures, each as a fresh CLI process (wall time from outside,
start-up included), in the same run:

* the baseline: a full `blueprintc compile` into a fresh out/;
* one promotion: one Application's config changed and compiled (incrementally, not
  timed), then `blueprintc promote ORG/APP --to ENV --remote URL`: the lock entry
  moved, the branch recompiled, pushed to the real git server on 127.0.0.1 and its
  pull request opened on the Gitea API stand-in of the tests (target: under 5 % of
  the full compile at N = 1000).

Only the promoted Application's repository is on the server (its branches written
from the compiled out/ before the clock starts): a promotion touches that one.

blueprintc's modules are byte-compiled first, as an installed copy's are
(`benchmarks.common.byte_compile`).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import (
    byte_compile,
    format_rows,
    judged,
    mark_at_scale,
    run_cli,
    upper_median,
)
from benchmarks.compile.generate import change_one_application, generate

SHARE = 0.05  # of the full compile
USERS = {"deliver": "test-only"}  # TEST-ONLY credentials of the loopback server


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    byte_compile()
    os.environ.update(BLUEPRINTC_GIT_USERNAME="deliver", BLUEPRINTC_GIT_PASSWORD="test-only")
    reports = []
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-promote-") as tmp:
        for count in args.orgs:
            workspace = Path(tmp) / f"n{count}"
            generate(workspace, count, seed=1)
            reports.append(measure(workspace, Path(tmp) / f"server-{count}", count, args.repeat))
    if args.json:
        print(json.dumps({"sizes": reports}, indent=2))
    else:
        for report in reports:
            print(_table(report))
    return 0  # a report: the verdicts are in it


def measure(workspace: Path, server_root: Path, count: int, times: int) -> dict[str, Any]:
    from tests.gitea_contract import GiteaStandIn
    from tests.gitserver import GitServer

    run_cli(["lock"], workspace)
    compiles = [run_cli(["compile", "--out", f"out-base-{i}"], workspace)[0] for i in range(times)]
    run_cli(["compile"], workspace)
    server_root.mkdir()
    stand_in = GiteaStandIn(server_root)
    server = GitServer()
    base = server.start(server_root, USERS, other=stand_in.handle)
    promotions = []
    try:
        for round_ in range(times):
            org, app = change_one_application(workspace, count, round_ + 1)
            if round_ == 0:
                _serve(base, server_root, workspace / "out", org, app)
            run_cli(["compile"], workspace)
            argv = ["promote", f"{org}/{app}", "--to", "stg", "--remote", base]
            seconds, output = run_cli(argv, workspace)
            if "pull request #" not in output:
                raise SystemExit(f"blueprintc {' '.join(argv)} opened no pull request:\n{output}")
            promotions.append(seconds)
    finally:
        server.stop()
    compile_s, promote_s = upper_median(compiles), upper_median(promotions)
    return {
        "orgs": count,
        "compile_s": round(compile_s, 3),
        "promote_s": round(promote_s, 3),
        "compile_samples_s": [round(s, 3) for s in compiles],
        "promote_samples_s": [round(s, 3) for s in promotions],
        "share": round(promote_s / compile_s, 4),
        "ok": promote_s < SHARE * compile_s,
        "judged": judged(count),
    }


def _serve(base: str, root: Path, out: Path, org: str, app: str) -> None:
    """The Application's repository on the server, its branches as compiled."""
    from blueprintc.deliver.branchplan import plan
    from blueprintc.deliver.credentials import Credentials
    from blueprintc.deliver.embedded import commit_branch, identity, open_repo
    from blueprintc.gitea import Gitea

    api = Gitea(base, Credentials("deliver", "test-only", "benchmark"), 30)
    api.create_org(org)
    api.create_org_repo(org, app, "main", "")
    repo = open_repo(root / org / f"{app}.git")
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in (out / "repos" / org / app).rglob("*")
        if path.is_file()
    }
    for (name, branch), tree in plan(files).items():
        commit_branch(repo, name, branch, tree, identity(None, None), "benchmark")


def _table(r: dict[str, Any]) -> str:
    rows = [
        ("full compile (baseline)", f"{r['compile_s']:.2f} s", "", ""),
        ("  samples (upper median taken)", _listed(r["compile_samples_s"]), "", ""),
        (
            "one promotion (recompile, push, pull request)",
            f"{r['promote_s']:.2f} s ({r['share']:.1%})",
            f"< {SHARE:.0%} of compile (at N = 1000)",
            mark_at_scale(r["ok"], r["orgs"]),
        ),
        ("  samples (upper median taken)", _listed(r["promote_samples_s"]), "", ""),
    ]
    return format_rows(f"promote at N = {r['orgs']}", rows)


def _listed(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds) + " s"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.promote", description=__doc__)
    parser.add_argument("--orgs", type=int, nargs="+", default=[100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
