"""Every declared dependency is present in `charts/`, where it must be.

After `helm dependency build`, each entry of `Chart.yaml` `dependencies:`
must exist in `chart/charts/` as `<name>-<version>.tgz` or unpacked as
`<name>/Chart.yaml` with that version. Helm's SDK renders a chart whose
subcharts are missing as if they were empty, *without an error*: the
published Blueprint would install nothing of its upstream.

A dependency must exist when `charts/` is tracked in git (vendored), and
under `blueprintc lint --dependency-build` (and in `blueprintc build`). In a
source tree whose `charts/` is not tracked (gitignored, built by CI) an
absent dependency is a check that could not run: BPG011 (info) names the
guards it skipped instead.

Under `--dependency-build` a failed build is reported once per repository
that cannot serve its charts, with its URL and the real cause (DNS lookup
failed, connection refused, HTTP 404), and the build leaves nothing behind.

Failing: a tracked `charts/` holding `podinfo-6.7.0.tgz` while `Chart.yaml`
declares `podinfo 6.7.1`.

Passing: `charts/podinfo-6.7.1.tgz` (or `charts/podinfo/Chart.yaml` at 6.7.1),
or `charts/` ignored by git and not built (BPG011 says what was skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location, is_helm, missing_dependencies

if TYPE_CHECKING:
    from blueprintc.depbuild import RepositoryFailure

# Helm's `dependency list` statuses, in words.
_STATES = {
    "missing": "is missing from",
    "wrong version": "is there at another version in",
    "misnamed": "is misnamed in",
    "too many matches": "matches more than one archive in",
}
_OFFLINE_HINT = (
    "check the repository URL and that this machine reaches it; `blueprintc lint "
    "--offline` lints the chart without building its dependencies"
)


@rule(
    "BPG002",
    "dependency-missing",
    Severity.ERROR,
    "a declared chart dependency is missing from charts/ where it must exist",
    "run `helm dependency build` in the chart directory (or `blueprintc lint --dependency-build`)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or not ctx.declared_dependencies:
        return
    assert ctx.chart_dir is not None
    outcome = ctx.build_outcome
    if outcome is not None and not outcome.ok:
        yield from _build_failures(ctx, outcome.error or "", outcome.failures)
        return
    missing = missing_dependencies(ctx)
    if not missing or not ctx.dependencies_required:
        return  # nothing missing, or nothing that must be there (BPG011 says what ran)
    index_of = {
        (str(d.get("name")), str(d.get("version"))): i
        for i, d in enumerate(ctx.declared_dependencies)
    }
    charts = ctx.rel(ctx.chart_dir / "charts")
    why = "tracked in git" if ctx.charts_tracked else "built by --dependency-build"
    for status in missing:
        name, version = str(status.get("name")), str(status.get("version"))
        index = index_of.get((name, version), 0)
        state = _STATES.get(str(status.get("status")), f"is '{status.get('status')}' in")
        yield Finding(
            f"dependency {name} {version} {state} {charts}/ ({why}; expected "
            f"{name}-{version}.tgz or {name}/Chart.yaml at {version})",
            chart_location(ctx, ("dependencies", index), key=False),
        )


def _build_failures(
    ctx: BlueprintContext, error: str, failures: tuple[RepositoryFailure, ...]
) -> Iterator[Finding]:
    for failure in failures:
        yield Finding(
            f"helm dependency build: repository {failure.repository} "
            f"({', '.join(failure.charts)}) cannot be reached: {failure.cause}",
            chart_location(ctx, ("dependencies", failure.index, "repository"), key=False),
            hint=_OFFLINE_HINT,
        )
    if not failures:
        yield Finding(
            f"helm dependency build failed: {error}",
            chart_location(ctx, ("dependencies",)),
            hint="fix Chart.yaml `dependencies:` as Helm's message says",
        )


RULE = check
