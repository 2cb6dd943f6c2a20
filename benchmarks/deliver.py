"""`python -m benchmarks.deliver [--orgs 100] [--repeat 3] [--json]`.

For each N, generates the benchmark workspace (benchmarks/compile/generate.py: N
Organizations x 3 Environments x 5 Applications), then measures, each as a fresh
CLI process (wall time from outside, start-up included), in the same run:

* the baseline: a full `blueprintc compile` into a fresh out/;
* a first delivery into the embedded bare repositories, every commit signed with
  the TEST-ONLY key of tests/data/openpgp/ (target: within 2x the full compile);
* the same delivery unsigned (for reference: on this shared machine the two
  differ by more noise than signing costs);
* an unchanged signed delivery of the same out/ (nothing committed; target: under
  5 % of the full compile at N = 1000);
* a one-Application delivery: one Application's config changed, the out/ compiled
  again (incrementally, not timed), then delivered (target: under 5 % of the full
  compile at N = 1000).

Signing is measured in-process: one commit object's bytes signed `--repeat` x
1,000 times, the median per signature, times the delivery's commits.

blueprintc's modules are byte-compiled first, as an installed copy's are
(`benchmarks.common.byte_compile`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    byte_compile,
    format_rows,
    judged,
    mark,
    mark_at_scale,
    run_cli,
    upper_median,
)
from benchmarks.compile.generate import REPO, change_one_application, generate

TEST_KEY = REPO / "tests/data/openpgp/test-only.key"
FIRST_DELIVERY_RATIO = 2.0
FIRST_DELIVERY_ORGS = 100  # the N the first-delivery target is set for (issue 9)
INCREMENTAL_SHARE = 0.05  # of the full compile, for an unchanged or one-Application delivery
COMMIT = (
    b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    b"parent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    b"author blueprintc <blueprintc@localhost> 1700000000 +0000\n"
    b"committer blueprintc <blueprintc@localhost> 1700000000 +0000\n\n"
    b"blueprintc deliver: acme/shop develop\n\n"
    b"12 files: 1 added, 11 kept or changed, 0 removed\n"
    b"Inputs: sha256:0000000000000000000000000000000000000000000000000000000000000000\n\n"
    b"Delivered-by: blueprintc 0.1.0\n"
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    byte_compile()
    reports = []
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-deliver-") as tmp:
        for count in args.orgs:
            workspace = Path(tmp) / f"n{count}"
            generate(workspace, count, seed=1)
            reports.append(measure(workspace, count, args.repeat))
    per_signature = signing_ms(args.repeat)
    for report in reports:
        report["signing_s"] = round(per_signature * report["commits"] / 1000, 4)
    if args.json:
        print(json.dumps({"sizes": reports, "signature_ms": per_signature}, indent=2))
    else:
        for report in reports:
            print(_table(report))
            print(
                f"  signing its {report['commits']} commits: {report['signing_s']:.3f} s "
                f"({per_signature:.3f} ms per signature, pysequoia in-process)"
            )
    return 0  # a report: the verdicts are in it


def measure(workspace: Path, count: int, times: int) -> dict[str, Any]:
    """Each delivery gets a fresh out/ of its own compile, and nothing is deleted
    before the end (deleting ~100,000 files slows the next writes on this file
    system); signed and unsigned alternate which goes first."""
    compiles, signed, unsigned, unchanged, one_app, commits = [], [], [], [], [], 0
    key = ["--signing-key", str(TEST_KEY)]
    for round_ in range(times):
        outs = {kind: workspace / f"out-{round_}-{kind}" for kind in ("signed", "unsigned")}
        for out in outs.values():
            compiles.append(_timed(["compile", "--out", str(out)], workspace))
        order = ["signed", "unsigned"] if round_ % 2 == 0 else ["unsigned", "signed"]
        for kind in order:
            argv = ["deliver", "--out", str(outs[kind])] + (key if kind == "signed" else [])
            seconds, output = run_cli(argv, workspace)
            (signed if kind == "signed" else unsigned).append(seconds)
            commits = int(output.rsplit("deliver: ", 1)[1].split()[0])
        unchanged.append(_timed(["deliver", "--out", str(outs["signed"]), *key], workspace))
        change_one_application(workspace, count, round_ + 1)
        _timed(["compile", "--out", str(outs["signed"])], workspace)
        one_app.append(_timed(["deliver", "--out", str(outs["signed"]), *key], workspace))
    compile_s, signed_s = upper_median(compiles), upper_median(signed)
    unsigned_s, unchanged_s = upper_median(unsigned), upper_median(unchanged)
    one_app_s = upper_median(one_app)
    return {
        "orgs": count,
        "commits": commits,
        "compile_s": round(compile_s, 3),
        "first_signed_s": round(signed_s, 3),
        "first_unsigned_s": round(unsigned_s, 3),
        "unchanged_s": round(unchanged_s, 3),
        "one_app_s": round(one_app_s, 3),
        "first_ratio": round(signed_s / compile_s, 3),
        "first_ok": signed_s <= FIRST_DELIVERY_RATIO * compile_s,
        "unchanged_share": round(unchanged_s / compile_s, 4),
        "unchanged_ok": unchanged_s < INCREMENTAL_SHARE * compile_s,
        "one_app_share": round(one_app_s / compile_s, 4),
        "one_app_ok": one_app_s < INCREMENTAL_SHARE * compile_s,
        "incremental_judged": judged(count),
    }


def signing_ms(times: int) -> float:
    from blueprintc.deliver.signing import load_signer

    signer = load_signer(TEST_KEY)
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        for _ in range(1000):
            signer.sign(COMMIT)
        samples.append((time.perf_counter() - start) / 1000 * 1000)
    return upper_median(samples)


def _timed(argv: list[str], cwd: Path) -> float:
    return run_cli(argv, cwd)[0]


def _table(r: dict[str, Any]) -> str:
    target = f"<= {FIRST_DELIVERY_RATIO:.0f}x compile (at N = {FIRST_DELIVERY_ORGS})"
    first = (
        mark(r["first_ok"])
        if r["orgs"] == FIRST_DELIVERY_ORGS
        else f"judged at N = {FIRST_DELIVERY_ORGS}"
    )
    share = f"< {INCREMENTAL_SHARE:.0%} of compile (at N = 1000)"
    rows = [
        ("full compile (baseline)", f"{r['compile_s']:.2f} s", "", ""),
        (
            f"first delivery, {r['commits']} signed commits",
            f"{r['first_signed_s']:.2f} s ({r['first_ratio']:.2f}x)",
            target,
            first,
        ),
        ("first delivery, unsigned", f"{r['first_unsigned_s']:.2f} s", "", ""),
        (
            "unchanged delivery, signed",
            f"{r['unchanged_s']:.2f} s ({r['unchanged_share']:.1%})",
            share,
            mark_at_scale(r["unchanged_ok"], r["orgs"]),
        ),
        (
            "one-Application delivery, signed",
            f"{r['one_app_s']:.2f} s ({r['one_app_share']:.1%})",
            share,
            mark_at_scale(r["one_app_ok"], r["orgs"]),
        ),
    ]
    return format_rows(f"deliver at N = {r['orgs']}", rows)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.deliver", description=__doc__)
    parser.add_argument("--orgs", type=int, nargs="+", default=[100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
