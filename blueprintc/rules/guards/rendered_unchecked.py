"""Rendered objects no schema describes: not checked by BPG012, and said so.

blueprintc carries the schemas of core Kubernetes, Flux and Catalyst kinds. A
chart may render objects of any CRD (a ServiceMonitor, a cert-manager
Certificate, a CloudNativePG Cluster); without its schema nothing can be said
about them but their metadata (BPG012 checks that: every object has it), which
is not a defect, and it is never silent: one info finding per chart names the
kinds and how many objects were left unchecked, so nobody mistakes "passed" for
"checked". Name a directory holding their CRDs (or
CRDs-catalog JSON schemas) in blueprintc.yaml's `schemaLocations` or with
`--schema-location`, and BPG012 checks them too. A kind whose CRD is read, but at
other versions only (a chart still writing a version its CRD no longer serves), is
named with those versions, and the hint asks which one the cluster serves.

Reported: a chart rendering a `monitoring.coreos.com/v1` ServiceMonitor, with
no schema location holding its CRD.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.rendered_objects import extra_schemas, rendered_check
from blueprintc.rules.guards.support import chart_location


@rule(
    "BPG013",
    "rendered-object-unchecked",
    Severity.INFO,
    "rendered objects of kinds no schema describes were not checked (BPG012)",
    "name a directory holding their CRDs in blueprintc.yaml's schemaLocations or with "
    "--schema-location",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    result = rendered_check(ctx)
    if result is None or not result.unchecked:
        return
    kinds = sorted(result.unchecked)
    count = sum(len(objects) for objects in result.unchecked.values())
    extra = extra_schemas(ctx)
    elsewhere = {
        (api_version, kind): extra.versions(api_version.rpartition("/")[0], kind)
        for api_version, kind in kinds
    }
    named = ", ".join(
        f"{kind} ({api_version}"
        + (f"; the CRDs read define it at {', '.join(others)} only" if others else "")
        + ")"
        for (api_version, kind), others in elsewhere.items()
    )
    versioned = [(api_version, others) for (api_version, _), others in elsewhere.items() if others]
    hint = None
    if versioned:  # the kind is known: its version is the question, not a schema location
        api_version, others = versioned[0]
        hint = (
            f"if the cluster's CRD serves {api_version}, name a directory holding that CRD in "
            f"schemaLocations; else write apiVersion: {others[-1]}, which the CRD read serves"
        )
    yield Finding(
        f"{count} rendered object(s) not checked against a schema: none is known for {named}",
        chart_location(ctx, ("name",)),
        hint=hint,
    )


RULE = check
