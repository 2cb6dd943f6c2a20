"""A chart may not ship a CRD and a custom resource of that CRD's kind.

A CRD a template renders goes to the API server with the release's other objects,
and a custom resource of it fails with "no matches for kind" on a fresh cluster; so
can a hook (the platform's external-secrets ClusterSecretStore, a post-install hook,
failed with "resource mapping not found" on a fresh Sovereign). A CRD in `crds/` is
created first on a first install, but no upgrade creates or updates it (Flux's
`upgrade.crds: Skip`; BPG020, BPG021): the canon splits both the same way (CANON.md
6). Split the custom resources into a second Blueprint that `depends` on the first
(Flux `dependsOn` orders them), as bp-crossplane and bp-crossplane-claims do.

An upstream chart's custom resources are one finding at its Chart.yaml
entry (kube-prometheus-stack ships the monitoring.coreos.com CRDs and some
fifty resources of them): its values can switch one side off.

Failing: `crds/widgets.yaml` defines `Widget` in `example.io` and
`templates/widget.yaml` renders `kind: Widget` of `example.io/v1`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from blueprintc.crds import CRD_KIND, KindKey, chart_crd_files, crd_kind, object_kind
from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import chart_relative
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import (
    by_source,
    listing,
    object_location,
    upstream_at,
    values_key,
)
from blueprintc.rules.guards.support import usable_render


@rule(
    "BPG009",
    "crd-and-custom-resource",
    Severity.ERROR,
    "a chart ships a CRD together with a custom resource of that CRD",
    "move the custom resources into a separate Blueprint that depends on this one",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    render = usable_render(ctx)
    if render is None:
        return
    kinds = {obj.kind for obj in render.objects()}
    shipped: dict[KindKey | None, str] = {}  # the kind a CRD defines -> the file it is in
    for file, crd in _crds(ctx, kinds):
        shipped.setdefault(crd_kind(crd), file)
    for obj in render.objects():
        if obj.kind == CRD_KIND:
            shipped.setdefault(crd_kind(obj.body), obj.template)
    shipped.pop(None, None)
    custom = [obj for obj in render.objects() if object_kind(obj) in shipped]
    for upstream, objects in by_source(ctx, custom):
        where = object_location(ctx, objects[0])
        if upstream is None:
            obj = objects[0]
            yield Finding(
                f"{obj.kind} {obj.name} ({obj.api_version}) is a custom resource of a CRD "
                f"this chart also ships ({_shipped_by(ctx, shipped[object_kind(obj)])})",
                where,
            )
            continue
        name = upstream.get("name")
        yield Finding(
            f"{len(objects)} custom resource(s) of the upstream {name} are of CRDs this chart "
            f"also ships: {listing(objects)}",
            where,
            hint=_upstream_hint(ctx, upstream, [shipped[object_kind(o)] for o in objects]),
        )


def _upstream_hint(ctx: BlueprintContext, upstream: dict[str, Any], files: list[str]) -> str:
    """How to split an upstream's custom resources from their CRDs: where the CRDs come
    from another dependency (spire's from spire-crds), that one moves out."""
    name, key = upstream.get("name"), values_key(upstream)
    sources = {(u or {}).get("name") for u in (upstream_at(ctx, f) for f in files)}
    other = sorted(str(s) for s in sources - {name, None})
    if other and None not in sources and name not in sources:
        return (
            f"the CRDs come from {', '.join(other)}: ship it in a Blueprint this one depends "
            f"on (Flux `dependsOn` orders them), or switch these resources off under `{key}:`"
        )
    return (
        f"install the CRDs apart: switch them off in values.yaml under `{key}:` if {name} "
        "lets you (e.g. `crds.enabled: false`) and ship them in a Blueprint this one "
        "depends on, or switch these resources off"
    )


def _crds(ctx: BlueprintContext, kinds: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """The chart's CRDs that may define one of the rendered `kinds`, with their files."""
    if not kinds or (ctx.stand_in is None and not _may_ship_crds(ctx)):
        return []  # (a stand-in's charts/ holds what it put there: Helm is asked)
    return chart_crd_files(ctx.render_chart, kinds)


def _shipped_by(ctx: BlueprintContext, file: str) -> str:
    """Where the CRD is, as the user finds it: `from the upstream cloudnative-pg`, or
    `in crds/widgets.yaml` (a file of the chart)."""
    upstream = upstream_at(ctx, file)
    if upstream is not None:
        return f"from the upstream {upstream.get('name')}"
    return "in " + chart_relative(file)


def _may_ship_crds(ctx: BlueprintContext) -> bool:
    """Helm's CRD objects of a chart are its `crds/` files and its subcharts' (from
    `charts/`): a chart directory with neither entry has none, without asking Helm."""
    assert ctx.chart_dir is not None
    entries = ctx.scans(os.fspath(ctx.chart_dir))
    return entries is None or any(entry.name in ("crds", "charts") for entry in entries)


RULE = check
