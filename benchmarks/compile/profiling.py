"""Where a full compile's time goes: the stats a `profile` child wrote, summarised.

cProfile slows Python code several times over, so the profiled total is larger
than a timed run; the ranking is what counts.
"""

from __future__ import annotations

import io
import pstats
from pathlib import Path

# Entry points of the compile's stages (module path suffix, function), cumulative time each.
STAGES: list[tuple[str, str, str]] = [
    ("load inputs", "blueprintc/compile/inputs.py", "load_inputs"),
    ("plan Organizations", "blueprintc/compile/planner.py", "plan_organization"),
    ("  plan Applications", "blueprintc/compile/apps.py", "plan_application"),
    ("  render checks (Helm)", "blueprintc/compile/planner.py", "_render_checks"),
    ("  schema of each Organization", "blueprintc/compile/planner.py", "_schema"),
    ("validate planned objects", "blueprintc/validate/objects.py", "validate_object"),
    ("emit", "blueprintc/emit/emitter.py", "emit"),
    ("  reconcile (incl. serialise)", "blueprintc/emit/reconcile.py", "reconcile"),
    ("  serialise (yamlwriter)", "blueprintc/emit/reconcile.py", "serialise"),
    ("  swap (write the tree)", "blueprintc/emit/tree.py", "swap"),
]


def summarise(prof: Path, top: int = 20) -> str:
    stats = pstats.Stats(str(prof))
    raw: dict[tuple[str, int, str], tuple[float, ...]] = stats.stats  # type: ignore[attr-defined]
    total = max((v[3] for k, v in raw.items() if k[2] == "measure_compile"), default=0.0)
    lines = [f"profile of a full compile (cProfile): {total:.2f} s profiled"]
    for label, suffix, name in STAGES:
        seconds = sum(v[3] for k, v in raw.items() if k[0].endswith(suffix) and k[2] == name)
        share = seconds / total if total else 0.0
        lines.append(f"  {label:<32} {seconds:8.2f} s  {share:6.1%}")
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(str(prof), stream=buffer).sort_stats(order).print_stats(top)
        body = buffer.getvalue()
        start = body.find("   ncalls")
        lines.append(f"top {top} by {order}:")
        lines.append(body[start:].rstrip() if start >= 0 else body.rstrip())
    return "\n".join(lines)
