"""GUARD 1: a chart with no upstream dependency must say so.

An umbrella chart wraps its upstream chart(s) as Helm dependencies. A
`Chart.yaml` with no (or an empty) `dependencies:` list is *hollow* unless it
carries the annotation ``catalyst.openova.io/no-upstream: "true"``: a
Catalyst-only chart that really has no upstream.

Origin: a cert-manager Blueprint shipped with only a ClusterIssuer template
and no cert-manager; every Sovereign broke.

Failing::

    apiVersion: v2
    name: bp-cert-manager
    version: 1.0.0            # no dependencies, no annotation

Passing::

    annotations:
      catalyst.openova.io/no-upstream: "true"

When blueprint.yaml's `spec.upstream` names the upstream, the fix says which
dependency to add, and the version-pin check (BPG004) does not also report that
Chart.yaml lacks it: the hollow chart is the one mistake.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location, is_helm, is_hollow


@rule(
    "BPG001",
    "hollow-chart",
    Severity.ERROR,
    "a chart with no dependencies lacks the no-upstream annotation",
    "add the upstream chart under `dependencies:`, or annotate the chart "
    '`catalyst.openova.io/no-upstream: "true"` if it really has none',
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or not isinstance(ctx.chart_meta, dict) or not ctx.chart_meta:
        return
    if not is_hollow(ctx):
        return
    where = ("dependencies",) if "dependencies" in ctx.chart_meta else ("name",)
    name = ctx.chart_meta.get("name", "?")
    named = [f"{u.name} {u.version}" for u in ctx.blueprint.upstream]
    hint = (
        f"add {', '.join(named)} (blueprint.yaml's spec.upstream) under `dependencies:` with "
        "its repository"
        if named
        else None
    )
    yield Finding(
        f"chart {name} declares no upstream dependency and is not annotated no-upstream",
        chart_location(ctx, where),
        hint,
    )


RULE = check
