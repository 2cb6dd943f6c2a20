"""The baseline: the bare Helm renders a lint run performs, replayed without blueprintc.

A recording lint pass wraps `BlueprintContext.render` and notes every render that
missed the context's cache (so really reached Helm): chart directory, release name,
namespace and values. Replaying loads each chart once with `helm.Chart.load` and
renders exactly those values, in the same order, through the raw SDK.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import helm_python as helm
from helm_python import _native

from blueprintc.helm import render_api_versions
from blueprintc.rules.context import BlueprintContext


@dataclass
class ChartRenders:
    """The renders lint performed for one Blueprint's chart."""

    chart_dir: Path
    name: str
    namespace: str
    kube_version: str  # `.Capabilities.KubeVersion`, as lint renders with
    values: list[dict[str, Any] | None] = field(default_factory=list)
    # The APIs each render gives Helm beyond its own (`--api-versions`), by position.
    api_versions: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Recording:
    charts: dict[Path, ChartRenders] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def render_count(self) -> int:
        return sum(len(c.values) for c in self.charts.values())

    def plan(self) -> list[ChartRenders]:
        return [self.charts[d] for d in sorted(self.charts)]

    def add(
        self,
        ctx: BlueprintContext,
        values: dict[str, Any] | None,
        api_versions: tuple[str, ...] = (),
    ) -> None:
        assert ctx.chart_dir is not None
        with self.lock:
            entry = self.charts.setdefault(
                ctx.chart_dir,
                ChartRenders(
                    ctx.chart_dir,
                    ctx.release_name,
                    ctx.namespace,
                    ctx.workspace.kubernetes_version,
                ),
            )
            entry.values.append(copy.deepcopy(values))
            # What Helm gets: the Kubernetes version's own APIs too, as lint sends them.
            apis = render_api_versions(entry.kube_version, tuple(api_versions))
            entry.api_versions.append(apis)


@contextmanager
def recording_renders() -> Iterator[Recording]:
    """Within the block, every render lint sends to Helm is added to the recording."""
    recording = Recording()
    original = BlueprintContext.render

    def render(
        self: BlueprintContext,
        values: dict[str, Any] | None = None,
        api_versions: tuple[str, ...] = (),
    ) -> Any:
        cached = len(self._renders)
        result = original(self, values, api_versions)
        if len(self._renders) > cached:
            recording.add(self, values, api_versions)
        return result

    with mock.patch.object(BlueprintContext, "render", render):
        yield recording


def render_chart(job: ChartRenders) -> int:
    """Load the chart and render each recorded set of values; the number that failed."""
    chart = helm.Chart.load(job.chart_dir)
    failed = 0
    for values, apis in zip(job.values, job.api_versions, strict=True):
        try:
            _render_with_options(chart, values, job, apis)
        except helm.HelmError:
            failed += 1  # expected for `requires-overlay` defaults; lint renders those too
    return failed


def _render_with_options(
    chart: helm.Chart, values: dict[str, Any] | None, job: ChartRenders, apis: tuple[str, ...]
) -> None:
    """`Chart.render` with helm-c's `kube_version` and `api_versions` render options,
    which the SDK's Python signature does not expose (the call a Helm worker makes)."""
    options: dict[str, Any] = {"name": job.name, "namespace": job.namespace, "is_install": True}
    options["kube_version"] = job.kube_version
    if apis:
        options["api_versions"] = list(apis)
    payload = None if values is None else json.dumps(values)
    json.loads(_native.call_string("helm_render", chart._raw(), payload, json.dumps(options)))


def replay(plan: list[ChartRenders], jobs: int) -> int:
    """All the recorded renders, spread over a pool of `jobs` threads one Blueprint at a
    time, as lint spreads its work (jobs=1 is sequential). Returns the failed-render count."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return sum(pool.map(render_chart, plan))
