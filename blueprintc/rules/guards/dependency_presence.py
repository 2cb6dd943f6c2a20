"""Every declared dependency is present in `charts/`.

After `helm dependency build`, each entry of `Chart.yaml` `dependencies:`
must exist in `chart/charts/` as `<name>-<version>.tgz` or unpacked as
`<name>/Chart.yaml` with that version. Helm's SDK renders a chart whose
subcharts are missing as if they were empty, *without an error*: the
published Blueprint would install nothing of its upstream.

Failing: `Chart.yaml` declares `podinfo 6.7.1`, `charts/` is empty or holds
`podinfo-6.7.0.tgz`.

Passing: `charts/podinfo-6.7.1.tgz` (or `charts/podinfo/Chart.yaml` at 6.7.1).
Run `blueprintc lint --dependency-build` to build `charts/` first.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location, is_helm


@rule(
    "BPG002",
    "dependency-missing",
    Severity.ERROR,
    "a declared chart dependency is missing from charts/",
    "run `helm dependency build` (or `blueprintc lint --dependency-build`) and commit charts/",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or not ctx.declared_dependencies:
        return
    assert ctx.chart_dir is not None
    if ctx.build_error is not None:
        yield Finding(
            f"helm dependency build failed: {ctx.build_error}",
            chart_location(ctx, ("dependencies",)),
        )
    index_of = {
        (str(d.get("name")), str(d.get("version"))): i
        for i, d in enumerate(ctx.declared_dependencies)
    }
    for status in ctx.dependency_status:
        if status.get("status") in ("ok", "unpacked"):
            continue
        name, version = str(status.get("name")), str(status.get("version"))
        index = index_of.get((name, version), 0)
        yield Finding(
            f"dependency {name} {version} is {status.get('status')} in "
            f"{ctx.rel(ctx.chart_dir / 'charts')}/ (expected {name}-{version}.tgz "
            f"or {name}/Chart.yaml)",
            chart_location(ctx, ("dependencies", index), key=False),
        )


RULE = check
