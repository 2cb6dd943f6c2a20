"""A chart may not ship a CRD and a custom resource of that CRD's kind.

Helm installs CRDs and resources in one apply; the custom resource fails
with "no matches for kind" on a fresh cluster, and Flux retries forever.
Split the custom resources into a second Blueprint that `depends` on the
first (Flux `dependsOn` orders them), as bp-crossplane and
bp-crossplane-claims do.

Failing: `crds/widgets.yaml` defines `Widget` in `example.io` and
`templates/widget.yaml` renders `kind: Widget` of `example.io/v1`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from blueprintc import yamldata
from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import object_location, usable_render


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
    shipped = {_crd_kind(crd) for crd in _crds(ctx)}
    shipped |= {_crd_kind(o.body) for o in render.objects() if o.kind == "CustomResourceDefinition"}
    shipped.discard(None)
    for obj in render.objects():
        group = obj.api_version.split("/")[0] if "/" in obj.api_version else ""
        if (group, obj.kind) in shipped:
            yield Finding(
                f"{obj.kind} {obj.name} ({obj.api_version}) is a custom resource of a CRD "
                "this chart also ships",
                object_location(ctx, obj),
            )


def _crds(ctx: BlueprintContext) -> list[dict[str, Any]]:
    if ctx.stand_in is None and not _may_ship_crds(ctx):
        return []  # (a stand-in's charts/ holds what it put there: Helm is asked)
    result = []
    for crd in ctx.render_chart.crds:
        for body in yamldata.load_all(crd.get("data", "")):
            if isinstance(body, dict):
                result.append(body)
    return result


def _may_ship_crds(ctx: BlueprintContext) -> bool:
    """Helm's CRD objects of a chart are its `crds/` files and its subcharts' (from
    `charts/`): a chart directory with neither entry has none, without asking Helm."""
    assert ctx.chart_dir is not None
    entries = ctx.scans(os.fspath(ctx.chart_dir))
    return entries is None or any(entry.name in ("crds", "charts") for entry in entries)


def _crd_kind(body: dict[str, Any]) -> tuple[str, str] | None:
    spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
    names = spec.get("names") if isinstance(spec, dict) else None
    if not isinstance(names, dict) or not isinstance(spec, dict):
        return None
    return str(spec.get("group", "")), str(names.get("kind", ""))


RULE = check
