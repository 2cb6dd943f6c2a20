"""Where a lint run's time goes: cProfile over every Blueprint, grouped by kind of work.

`lint` runs Blueprints in worker threads, which cProfile does not follow, so the
per-Blueprint function is wrapped to run under the profiler (jobs=1: one worker).
Profiling slows Python code far more than Helm's native code, so the shares
overstate the Python side; the groups are still the place to look.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import blueprintc.lint as lint_module

# (label, module path suffix, function name): entry points that do not nest in each other.
GROUPS: list[tuple[str, str, str]] = [
    ("Helm render (native)", "helm_python/chart.py", "render"),
    ("Helm chart load (native)", "helm_python/chart.py", "load"),
    ("Helm dependency_list (native)", "helm_python/chart.py", "dependency_list"),
    ("Helm chart CRDs (native)", "helm_python/chart.py", "crds"),
    ("rendered YAML -> objects", "blueprintc/helm.py", "_parse"),
    ("input YAML (yamldoc)", "blueprintc/yamldoc.py", "load_yaml"),
    ("jsonschema: configSchema metaschema", "blueprintc/schemas.py", "validate_config_schema"),
    ("jsonschema: configSchema defaults", "blueprintc/rules/schema/config_schema.py", "_defaults"),
    ("jsonschema: blueprint/workspace", "blueprintc/rules/schema/support.py", "schema_findings"),
    ("file reading (read_source)", "blueprintc/source.py", "read_source"),
]


@dataclass(frozen=True)
class Profile:
    total: float
    groups: list[tuple[str, float]]
    top: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "profiled_total_s": round(self.total, 4),
            "groups_s": {label: round(seconds, 4) for label, seconds in self.groups},
        }


def profile_lint(workspace: Path, top: int = 15) -> Profile:
    profiler = cProfile.Profile()
    original: Callable[..., Any] = lint_module.lint_blueprint

    def profiled(*args: Any) -> Any:
        return profiler.runcall(original, *args)

    with mock.patch.object(lint_module, "lint_blueprint", profiled):
        lint_module.lint([workspace], root=workspace, jobs=1)
    stats = pstats.Stats(profiler)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in raw.items() if k[2] == "lint_blueprint")
    groups = []
    for label, suffix, name in GROUPS:
        seconds = sum(v[3] for k, v in raw.items() if k[0].endswith(suffix) and k[2] == name)
        groups.append((label, seconds))
    groups.append(("everything else (rules, paths, objects)", total - sum(s for _, s in groups)))
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    return Profile(total, groups, buffer.getvalue())


def format_profile(profile: Profile) -> str:
    lines = [f"profile (cProfile, jobs=1): {profile.total:.3f} s in lint_blueprint"]
    for label, seconds in sorted(profile.groups, key=lambda g: -g[1]):
        share = seconds / profile.total if profile.total else 0.0
        lines.append(f"  {label:<42} {seconds:7.3f} s  {share:6.1%}")
    return "\n".join(lines)
