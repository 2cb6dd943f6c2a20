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
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
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
    for toggle in toggles(ctx):
        if not toggle.off:
            yield Finding(
                f"{toggle.dotted} defaults to {yaml_text(toggle.default)}; observability "
                "toggles default to false",
                values_location(ctx, toggle.path),
            )


RULE = check
