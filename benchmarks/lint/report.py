"""The benchmark's figures, with the issue's targets, as a table or as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.common import MIB, Samples, format_rows, mark

# The targets: 50 Blueprints under 3 s; lint at most 2x its bare Helm renders (issue 11).
SECONDS_PER_50 = 3.0
MAX_RATIO = 2.0  # lint / bare renders (issue 11 point 4; 3.0 before it)


@dataclass(frozen=True)
class Figures:
    blueprints: int
    charts: int
    renders: int
    jobs: int
    repeat: int
    lint: Samples
    bare: Samples
    lint_sequential: Samples
    bare_sequential: Samples
    cli: Samples
    peak_rss_bytes: int
    # CPU seconds per run (jobs as above): lint in all (its process and its Helm workers),
    # its Helm workers alone, and the bare renders.
    lint_cpu: Samples
    lint_helm_cpu: Samples
    bare_cpu: Samples
    cores: int
    # The bare renders in a child whose Go runtime has the Helm workers' settings
    # (`benchmarks.lint.gosettings`): wall and CPU seconds per run.
    bare_go: Samples
    bare_go_cpu: Samples
    # Lint with its Helm workers at Go's defaults, the bare renders timed beside it, and
    # that lint's CPU seconds (`benchmarks.lint.gosettings.workers_at_go_defaults`).
    lint_at_go_defaults: Samples
    bare_beside_go_defaults: Samples
    lint_cpu_at_go_defaults: Samples

    @property
    def target_seconds(self) -> float:
        return SECONDS_PER_50 * self.blueprints / 50

    @property
    def ratio(self) -> float:
        return self.lint.median / self.bare.median

    @property
    def ratio_sequential(self) -> float:
        return self.lint_sequential.median / self.bare_sequential.median

    @property
    def ratio_go(self) -> float:
        """lint against the bare renders at the workers' Go settings: its own overhead."""
        return self.lint.median / self.bare_go.median

    @property
    def ratio_go_defaults(self) -> float:
        """Like for like at Helm as it ships: both sides' Go at its defaults."""
        return self.lint_at_go_defaults.median / self.bare_beside_go_defaults.median

    @property
    def cpu_floor(self) -> float:
        """The least wall time lint's CPU allows on this machine's cores, as a ratio to
        the bare renders' wall time: no scheduling of the same work gets under it."""
        return self.lint_cpu.median / self.cores / self.bare.median

    @property
    def checks(self) -> dict[str, bool]:
        return {
            "lint_under_target": self.lint.median < self.target_seconds,
            "cold_cli_under_target": self.cli.median < self.target_seconds,
            "ratio_at_most_2x": self.ratio <= MAX_RATIO,
            "ratio_at_go_defaults_at_most_2x": self.ratio_go_defaults <= MAX_RATIO,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "blueprints": self.blueprints,
            "charts": self.charts,
            "helm_renders": self.renders,
            "jobs": self.jobs,
            "repeat": self.repeat,
            "lint": self.lint.as_dict(),
            "lint_ms_per_blueprint": round(1000 * self.lint.median / self.blueprints, 2),
            "bare_renders": self.bare.as_dict(),
            "ratio_lint_to_bare": round(self.ratio, 3),
            "lint_workers_at_go_defaults": self.lint_at_go_defaults.as_dict(),
            "bare_renders_beside_it": self.bare_beside_go_defaults.as_dict(),
            "ratio_lint_to_bare_at_go_defaults": round(self.ratio_go_defaults, 3),
            "bare_renders_at_worker_go_settings": self.bare_go.as_dict(),
            "ratio_lint_to_bare_at_worker_go_settings": round(self.ratio_go, 3),
            "lint_jobs_1": self.lint_sequential.as_dict(),
            "bare_renders_jobs_1": self.bare_sequential.as_dict(),
            "ratio_lint_to_bare_jobs_1": round(self.ratio_sequential, 3),
            "cold_cli": self.cli.as_dict(),
            "peak_rss_mib": round(self.peak_rss_bytes / MIB, 1),
            "cpu_s": {
                "lint": round(self.lint_cpu.median, 3),
                "lint_helm_workers": round(self.lint_helm_cpu.median, 3),
                "lint_workers_at_go_defaults": round(self.lint_cpu_at_go_defaults.median, 3),
                "bare_renders": round(self.bare_cpu.median, 3),
                "bare_renders_at_worker_go_settings": round(self.bare_go_cpu.median, 3),
                "cores": self.cores,
                "lint_floor_ratio": round(self.cpu_floor, 3),
            },
            "targets": {"seconds": self.target_seconds, "max_ratio": MAX_RATIO},
            "checks": self.checks,
            "passed": all(self.checks.values()),
        }


def _time(samples: Samples) -> str:
    return f"{samples.median:.2f} s (min {samples.min:.2f}, max {samples.max:.2f})"


def format_table(f: Figures) -> str:
    checks = f.checks
    per = 1000 * f.lint.median / f.blueprints
    target = f"{f.target_seconds:g} s"
    rows = [
        (
            f"lint {f.blueprints} Blueprints (jobs={f.jobs})",
            f"{_time(f.lint)}, {per:.1f} ms/Blueprint",
            f"target < {target}",
            mark(checks["lint_under_target"]),
        ),
        (f"bare Helm renders (jobs={f.jobs})", _time(f.bare), "", ""),
        (
            "ratio lint/bare renders",
            f"{f.ratio:.2f}x",
            f"target <= {MAX_RATIO:g}x",
            mark(checks["ratio_at_most_2x"]),
        ),
        (
            f"lint, Helm workers at Go's defaults (jobs={f.jobs})",
            _time(f.lint_at_go_defaults),
            "",
            "",
        ),
        (f"bare Helm renders, beside it (jobs={f.jobs})", _time(f.bare_beside_go_defaults), "", ""),
        (
            "ratio like for like at Go's defaults",
            f"{f.ratio_go_defaults:.2f}x",
            f"target <= {MAX_RATIO:g}x",
            mark(checks["ratio_at_go_defaults_at_most_2x"]),
        ),
        (f"bare renders, workers' Go settings (jobs={f.jobs})", _time(f.bare_go), "", ""),
        ("ratio lint/those renders (lint's own)", f"{f.ratio_go:.2f}x", "", ""),
        ("lint (jobs=1)", _time(f.lint_sequential), "", ""),
        ("bare Helm renders (jobs=1)", _time(f.bare_sequential), "", ""),
        ("ratio lint/bare renders (jobs=1)", f"{f.ratio_sequential:.2f}x", "", ""),
        (
            "cold CLI (`blueprintc lint`)",
            _time(f.cli),
            f"target < {target}",
            mark(checks["cold_cli_under_target"]),
        ),
        ("peak RSS (cold CLI run)", f"{f.peak_rss_bytes / MIB:.0f} MiB", "", ""),
        (
            f"CPU per lint (jobs={f.jobs})",
            f"{f.lint_cpu.median:.2f} s, of which Helm workers {f.lint_helm_cpu.median:.2f} s; "
            f"workers at Go's defaults {f.lint_cpu_at_go_defaults.median:.2f} s",
            "",
            "",
        ),
        (
            f"CPU per bare renders (jobs={f.jobs})",
            f"{f.bare_cpu.median:.2f} s; at the workers' Go settings {f.bare_go_cpu.median:.2f} s",
            "",
            "",
        ),
        (
            f"lint's CPU floor on {f.cores} core(s)",
            f"{f.lint_cpu.median / f.cores:.2f} s = {f.cpu_floor:.2f}x bare renders",
            "",
            "",
        ),
    ]
    header = (
        f"blueprintc lint benchmark: {f.blueprints} Blueprints, {f.charts} charts loaded, "
        f"{f.renders} Helm renders; median of {f.repeat}"
    )
    return format_rows(header, rows)
