"""Observability toggles default to false.

Every `serviceMonitor.enabled`, `podMonitor.enabled`, `metrics.enabled`,
`prometheusRule.enabled`, `monitoring.enabled`, `tracing.enabled`,
`prometheus.enabled` and analogue (canon `charts.observabilityToggles`) in
`values.yaml`, subchart sections included, defaults to `false`. A default
`true` renders ServiceMonitors on Sovereigns that have no Prometheus
Operator CRDs yet, and the whole release fails to apply.

Failing::

    podinfo:
      serviceMonitor:
        enabled: true

Passing: `enabled: false`, switched on per Sovereign by an overlay. `null`,
`[]` and `""` are off too: some upstream toggles are lists (a metrics list
such as Cilium's `hubble.metrics.enabled: ~` names the metrics to enable).
A toggle whose value a values schema refuses (`enabled: "no"` where the
upstream's values.schema.json wants a boolean) is BPG003's finding at the
value, not this rule's as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.schema_failure import schema_findings
from blueprintc.rules.guards.smoke_render import reported_default_failure
from blueprintc.rules.guards.support import is_helm, toggles, values_location, yaml_text


@rule(
    "BPG005",
    "observability-default-on",
    Severity.ERROR,
    "an observability toggle defaults to something other than false",
    "default the toggle to false; enable it in the per-Sovereign overlay",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.values_yaml is None:
        return
    on = [toggle for toggle in toggles(ctx) if not toggle.off]
    refused = _refused_places(ctx) if on else set()
    for toggle in on:
        where = values_location(ctx, toggle.path)
        if (where.file, where.line, where.column) in refused:
            continue  # a values schema refuses it: BPG003's finding at the value says so
        yield Finding(
            f"{toggle.dotted} defaults to {yaml_text(toggle.default)}; observability "
            "toggles default to false",
            where,
        )


def _refused_places(ctx: BlueprintContext) -> set[tuple[str, int, int]]:
    """Where BPG003 reports a values schema's refusals of the default render, if it does."""
    failure = reported_default_failure(ctx)
    refused = schema_findings(ctx, failure, "", [ctx.values_yaml]) if failure else None
    if refused is None:
        return set()
    places = (finding.location for _, finding in refused.located)
    return {(where.file, where.line, where.column) for where in places}


RULE = check
