"""Render every Application and kit entry once per distinct values: A5, D31, BPP016.

Charts are loaded once per Blueprint and renders are cached by a digest of
their values, so 15,000 Applications sharing a handful of configurations
cost a handful of renders. Renders of one chart share their parsed YAML by
manifest text: different values mostly render the same templates word for word.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc import helm
from blueprintc.blueprint_names import canonical
from blueprintc.canon import Canon
from blueprintc.compile.inputs import CatalogEntry

CONTROL_PLANE = re.compile(r"(clustermesh-apiserver|kube-apiserver|etcd)")
CNPG_GROUP = "postgresql.cnpg.io"
BUDGET_HINT = (
    "bound the chart template's loops and sizes (`until`, `repeat`, a `range` over a huge"
    " list), or raise helm.timeoutSeconds / helm.memoryMiB in blueprintc.yaml if it is genuine"
)


@dataclass(frozen=True)
class RenderFacts:
    """What the plan rules need to know about one render."""

    error: str | None
    nodeports: tuple[str, ...]  # names of NodePort Services for control-plane components
    cnpg_clusters: int
    hint: str | None = None  # how to fix the error, when the rule's own hint does not say


@dataclass
class RenderCache:
    budget: helm.Budget = helm.DEFAULT_BUDGET
    charts: dict[str, Any] = field(default_factory=dict)
    facts: dict[tuple[str, str], RenderFacts] = field(default_factory=dict)
    documents: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # by chart
    renders: int = 0

    def facts_for(self, entry: CatalogEntry, values: dict[str, Any]) -> RenderFacts | None:
        """None for Blueprints that are not Helm charts (nothing to render here)."""
        blueprint = entry.blueprint
        if blueprint.manifest_kind != "helm" or blueprint.manifest_dir is None:
            return None
        key = (entry.name, hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest())
        if key in self.facts:
            return self.facts[key]
        chart = self.charts.get(entry.name)
        try:
            if chart is None:
                chart = self.charts[entry.name] = helm.load_chart(
                    blueprint.manifest_dir, self.budget
                )
            self.renders += 1
            shared = self.documents.setdefault(entry.name, {})
            result = helm.render(chart, values, entry.name, entry.name.removeprefix("bp-"), shared)
        except helm.ChartLoadError as exc:
            self.facts[key] = RenderFacts(str(exc), (), 0)
        except helm.HelmAborted as exc:  # the chart remembers: its next render fails at once
            chart_rel = posixpath.join(
                posixpath.dirname(blueprint.rel),
                Path(os.path.relpath(blueprint.manifest_dir, blueprint.dir)).as_posix(),
            )
            message = f"{exc.message} on the chart {chart_rel}"
            self.facts[key] = RenderFacts(message, (), 0, BUDGET_HINT)
        else:
            self.facts[key] = _facts(result)
        return self.facts[key]


def _facts(render: helm.Render) -> RenderFacts:
    if render.failure is not None:
        return RenderFacts(render.failure.message, (), 0)
    nodeports = []
    clusters = 0
    for obj in render.objects():
        if obj.kind == "Service" and obj.api_version == "v1":
            spec = obj.body.get("spec") if isinstance(obj.body.get("spec"), dict) else {}
            if spec.get("type") == "NodePort" and CONTROL_PLANE.search(obj.name):
                nodeports.append(obj.name)
        if obj.kind == "Cluster" and obj.api_version.startswith(CNPG_GROUP + "/"):
            clusters += 1
    return RenderFacts(None, tuple(sorted(nodeports)), clusters)


def uses_cnpg(canon: Canon, entry: CatalogEntry, facts: RenderFacts | None) -> bool:
    """A CloudNativePG database: rendered CNPG Clusters, or a dependency on a CNPG Blueprint."""
    if facts is not None and facts.cnpg_clusters:
        return True
    cnpg = {
        canonical(n)
        for n in canon.section("compile").get("cnpgBlueprints", ["bp-cnpg", "bp-postgres"])
    }
    return any(canonical(dep.blueprint) in cnpg for dep in entry.blueprint.depends)
