"""Guards that could not run because the chart's dependencies are not built.

A Blueprint repository's source tree normally ignores `charts/` and CI
builds it with `helm dependency build`. Helm renders a chart whose subcharts
are absent as if they were empty, so blueprintc does not trust such a render:
the smoke render (BPG003), the observability renders (BPG006), the labels
(BPG008) and the CRD checks (BPG009) are skipped. That is not a defect, and
it is never silent: one info finding per chart names the absent
dependencies and the guards skipped, so nobody mistakes "passed" for
"checked". (Where `charts/` is tracked in git, or under `--dependency-build`,
an absent dependency is a BPG002 error instead.)

Reported: `Chart.yaml` declares `podinfo 6.7.1`, `charts/` is absent and
ignored by git.

Not reported: `charts/podinfo-6.7.1.tgz` is there (built or vendored).
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location, is_helm, missing_dependencies

SKIPPED = (
    "smoke render (BPG003)",
    "observability renders (BPG006)",
    "recommended labels (BPG008)",
    "CRD checks (BPG009)",
)


@rule(
    "BPG011",
    "guards-skipped",
    Severity.INFO,
    "render guards were skipped: the chart's dependencies are not built",
    "run `blueprintc lint --dependency-build` where the chart repositories are reachable "
    "to run them",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.dependencies_required:
        return
    missing = missing_dependencies(ctx)
    if not missing:
        return
    assert ctx.chart_dir is not None
    names = ", ".join(f"{d.get('name')} {d.get('version')}" for d in missing)
    why = (
        "--offline skipped the dependency build"
        if ctx.offline and ctx.build_dependencies
        else f"{ctx.rel(ctx.chart_dir / 'charts')}/ is not tracked in git, CI builds it"
    )
    yield Finding(
        f"dependencies not built: {names} ({why}); guards skipped: {', '.join(SKIPPED)}",
        chart_location(ctx, ("dependencies",)),
    )


RULE = check
