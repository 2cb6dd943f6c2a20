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
from blueprintc.chartsources import nameless_dependency, names_chart
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.routes import routed_hosts
from blueprintc.crds import (
    CRD_KIND,
    KindKey,
    chart_crds,
    cluster_scoped_crds,
    crd_kind,
    object_kind,
    served_versions,
)
from blueprintc.image_tags import number_tagged_images
from blueprintc.list_map_keys import REPEAT_HINT, repeats
from blueprintc.owned_objects import ObjectKey, owned_objects
from blueprintc.rules.guards.retired_image import retired_images
from blueprintc.runtime_crds import runtime_crds

CONTROL_PLANE = re.compile(r"(clustermesh-apiserver|kube-apiserver|etcd)")
CNPG_GROUP = "postgresql.cnpg.io"
# `helm dependency list` statuses of a dependency Helm renders from charts/.
USABLE = frozenset({"ok", "unpacked"})
UNBUILT = (
    "Helm renders a dependency missing from charts/ as nothing, so the render would "
    "check a chart that is not the one Flux installs"
)
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
    crds: frozenset[KindKey] = frozenset()  # the CRDs the release installs
    shipped_crds: frozenset[KindKey] = frozenset()  # those of its charts' crds/ files
    # (group, kind, version) each CRD (and XRD) it installs serves
    crd_versions: frozenset[tuple[str, str, str]] = frozenset()
    # (group, kind, name, subchart, version) of each rendered object of a group with a dot
    # (no core API); subchart: the key of the subchart whose template rendered it, "" for
    # the chart's; version: the one its apiVersion is written at
    custom_resources: tuple[tuple[str, str, str, str, str], ...] = ()
    # (number as Go printed it, kind, name, image) of each rendered image whose tag is a
    # number: a values number written otherwise may have made it (BPG017)
    number_tags: tuple[tuple[str, str, str, str], ...] = ()
    # (group, kind, namespace as written or "", name) of each rendered object but hooks:
    # what the release owns once installed (`kit_ownership`)
    objects: tuple[ObjectKey, ...] = ()
    cluster_kinds: frozenset[KindKey] = frozenset()  # its CRDs' kinds of `scope: Cluster`
    # The step `error` stops: `render`, or `install` for objects the API server refuses on
    # apply (an env var twice: `list_map_keys`)
    stage: str = "render"
    # API groups whose every kind its controllers register when they run (`runtime_crds`)
    crd_groups: frozenset[str] = frozenset()
    installs_unknown: bool = False  # it installs CRDs of groups it does not name
    # (kind, name, image) of each rendered image its publisher no longer serves (BPG024)
    retired_images: tuple[tuple[str, str, str], ...] = ()
    hosts: tuple[str, ...] = ()  # the hosts its Ingresses and routes route (`routes`)


@dataclass
class RenderCache:
    budget: helm.Budget = helm.DEFAULT_BUDGET
    kube_version: str | None = None  # `.Capabilities.KubeVersion` of every render
    charts: dict[str, Any] = field(default_factory=dict)
    facts: dict[tuple[str, ...], RenderFacts] = field(default_factory=dict)
    documents: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # by chart
    renders: int = 0
    dependencies: dict[str, str | None] = field(default_factory=dict)  # by Blueprint
    crds: dict[str, frozenset[KindKey]] = field(default_factory=dict)  # by Blueprint
    cluster_crds: dict[str, frozenset[KindKey]] = field(default_factory=dict)  # by Blueprint
    # (group, kind, version) the crds/ files serve, by Blueprint
    shipped_versions: dict[str, frozenset[tuple[str, str, str]]] = field(default_factory=dict)

    def facts_for(
        self,
        entry: CatalogEntry,
        values: dict[str, Any],
        release: tuple[str, str] | None = None,
    ) -> RenderFacts | None:
        """None for Blueprints that are not Helm charts (nothing to render here). Rendered
        under the Blueprint's name into its short name, which the releases of the same
        values share, or under `release` (release name, namespace) when given."""
        blueprint = entry.blueprint
        if blueprint.manifest_kind != "helm" or blueprint.manifest_dir is None:
            return None
        digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        name, namespace = release or (entry.name, shared_namespace(entry.name))
        key = (entry.name, digest, *(release or ()))
        if key in self.facts:
            return self.facts[key]
        chart_rel = posixpath.join(
            posixpath.dirname(blueprint.rel),
            Path(os.path.relpath(blueprint.manifest_dir, blueprint.dir)).as_posix(),
        )
        chart = self.charts.get(entry.name)
        try:
            nameless = _nameless_dependency(entry)
            if nameless is not None:
                hint = (
                    f"set `name:` to the chart's name in its repository in {chart_rel}/Chart.yaml "
                    "(`alias:` only renames its values key), then `helm dependency build`"
                )
                self.facts[key] = RenderFacts(f"{nameless}: {UNBUILT}", (), 0, hint)
                return self.facts[key]
            missing = self._missing_dependency(entry)
            if missing is not None:
                hint = f"run `helm dependency build {chart_rel}` before compiling"
                self.facts[key] = RenderFacts(f"{missing}: {UNBUILT}", (), 0, hint)
                return self.facts[key]
            if chart is None:
                chart = self.charts[entry.name] = helm.load_chart(
                    blueprint.manifest_dir, self.budget
                )
            self.renders += 1
            shared = self.documents.setdefault(entry.name, {})
            result = helm.render(
                chart, values, name, namespace, shared, kube_version=self.kube_version
            )
            shipped = self._shipped_crds(entry.name, chart)
            cluster_kinds = self.cluster_crds[entry.name]
        except helm.ChartLoadError as exc:
            self.facts[key] = RenderFacts(str(exc), (), 0)
        except helm.HelmAborted as exc:  # the chart remembers: its next render fails at once
            message = f"{exc.message} on the chart {chart_rel}"
            self.facts[key] = RenderFacts(message, (), 0, BUDGET_HINT)
        else:
            self.facts[key] = _facts(
                result, shipped, cluster_kinds, self.shipped_versions[entry.name]
            )
        return self.facts[key]

    def _missing_dependency(self, entry: CatalogEntry) -> str | None:
        """How the chart's first unusable Chart.yaml dependency stands (Helm's `helm
        dependency list` status), None when every one is in `charts/`."""
        if not entry.subcharts:
            return None
        if entry.name not in self.dependencies:
            assert entry.blueprint.manifest_dir is not None
            statuses = helm.dependency_status(entry.blueprint.manifest_dir, self.budget)
            self.dependencies[entry.name] = next(
                (
                    f"the chart's dependency {s.get('name')} {s.get('version')} is "
                    f"{s.get('status')}"
                    for s in statuses
                    if str(s.get("status")) not in USABLE
                ),
                None,
            )
        return self.dependencies[entry.name]

    def _shipped_crds(self, name: str, chart: Any) -> frozenset[KindKey]:
        """The CRDs of the chart's (and subcharts') `crds/` files, asked of Helm once."""
        if name not in self.crds:
            bodies = chart_crds(chart)
            kinds = {crd_kind(body) for body in bodies}
            self.crds[name] = frozenset(k for k in kinds if k is not None)
            self.cluster_crds[name] = cluster_scoped_crds(bodies)
            self.shipped_versions[name] = frozenset(
                version for body in bodies for version in served_versions(body)
            )
        return self.crds[name]


def shared_namespace(blueprint: str) -> str:
    """The namespace `RenderCache.facts_for` renders a Blueprint into when no release is
    given (its short name): an object written into it follows `.Release.Namespace`."""
    return blueprint.removeprefix("bp-")


def _nameless_dependency(entry: CatalogEntry) -> str | None:
    """How the chart's first Chart.yaml dependency that names no chart stands: Helm can
    neither build it nor tell which archive in charts/ is it, so it may render as
    nothing; None when each names one."""
    for number, dependency in enumerate(entry.dependencies, 1):
        if not names_chart(dependency):
            return f"the chart's {nameless_dependency(number, dependency)} names no chart"
    return None


def _facts(
    render: helm.Render,
    shipped: frozenset[KindKey],
    cluster_kinds: frozenset[KindKey],
    shipped_versions: frozenset[tuple[str, str, str]],
) -> RenderFacts:
    if render.failure is not None:  # with blueprintc's fix, when it knows one
        return RenderFacts(render.failure.message, (), 0, render.failure.hint or None)
    repeat = next(repeats(render.objects()), None)
    if repeat is not None:  # the values gave an env var or port twice: refused on apply
        return RenderFacts(repeat.message, (), 0, REPEAT_HINT, stage="install")
    nodeports = []
    clusters = 0
    crds = set(shipped)
    versions = set(shipped_versions)
    custom = []
    templated_crds = []
    for obj in render.objects():
        group, kind = object_kind(obj)
        if kind == CRD_KIND:
            templated_crds.append(obj.body)
            defined = crd_kind(obj.body)
            if defined is not None:
                crds.add(defined)
                versions.update(served_versions(obj.body))
        elif "." in group:
            subchart = helm.subchart_of(helm.chart_relative(obj.template)) or ""
            version = obj.api_version.rpartition("/")[2]
            custom.append((group, kind, obj.name, subchart, version))
        if obj.kind == "Service" and obj.api_version == "v1":
            spec = obj.body.get("spec") if isinstance(obj.body.get("spec"), dict) else {}
            if spec.get("type") == "NodePort" and CONTROL_PLANE.search(obj.name):
                nodeports.append(obj.name)
        if obj.kind == "Cluster" and obj.api_version.startswith(CNPG_GROUP + "/"):
            clusters += 1
    tagged = number_tagged_images(render)
    runtime = runtime_crds(render.objects())
    return RenderFacts(
        None,
        tuple(sorted(nodeports)),
        clusters,
        crds=frozenset(crds) | runtime.kinds,
        shipped_crds=shipped,
        crd_versions=frozenset(versions) | runtime.versions,
        custom_resources=tuple(sorted(set(custom))),
        number_tags=tuple((n, o.kind, o.name, image) for n, (o, image) in sorted(tagged.items())),
        objects=owned_objects(render),
        cluster_kinds=cluster_kinds | cluster_scoped_crds(templated_crds),
        crd_groups=runtime.groups,
        installs_unknown=runtime.unknown,
        retired_images=tuple(
            sorted(
                {
                    (obj.kind, obj.name, image)
                    for obj, images in retired_images(render).values()
                    for _, image, _ in images
                }
            )
        ),
        hosts=routed_hosts(render.objects()),
    )


def uses_cnpg(canon: Canon, entry: CatalogEntry, facts: RenderFacts | None) -> bool:
    """A CloudNativePG database: rendered CNPG Clusters, or a dependency on a CNPG Blueprint."""
    if facts is not None and facts.cnpg_clusters:
        return True
    cnpg = {
        canonical(n)
        for n in canon.section("compile").get("cnpgBlueprints", ["bp-cnpg", "bp-postgres"])
    }
    return any(canonical(dep.blueprint) in cnpg for dep in entry.blueprint.depends)
