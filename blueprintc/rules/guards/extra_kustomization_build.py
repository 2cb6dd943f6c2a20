"""Every kustomization in a Blueprint builds, not only its manifests'.

A Blueprint's directory may hold kustomize bases beside what it publishes: a chart's
templates/ that a cluster's Flux Kustomization applies as plain YAML, a directory of
policies, an overlay for a test cluster. Nothing builds them before merge, and Flux's
kustomize-controller, which builds them as `kubectl kustomize` does, applies nothing of
a Kustomization whose build fails: the platform's repository stopped a cluster's
deploys for hours with a kustomization.yaml that held a git error message instead of
its resources (`invalid Kustomization: json: unknown field "fatal"`,
openova-io/openova#300).

Each is built alone, at the kustomization file, with kustomize's message placed as
BPG010 places it. Left out: a Component (`kind: Component`), which only a
kustomization that includes it builds; a kustomization the Blueprint's own manifests
build (BPG010 reports that build); one in a vendored chart (`charts/`). With
`--offline`, one that fetches remote resources is not built (BPG011 names it).

Failing: `chart/templates/kustomization.yaml` (in .helmignore) lists `ui.yaml`, which
is not there.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_build import kustomize_failure, unreachable_finding


@rule(
    "BPG023",
    "extra-kustomization-build",
    Severity.ERROR,
    "a kustomization in the Blueprint beside its manifests' (a base a cluster's Flux "
    "Kustomization applies, an overlay) does not build with `kubectl kustomize`",
    "fix the kustomization as kustomize's message says, or delete it if nothing builds it",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    for top, build in ctx.extra_kustomize_builds:
        command = f"kubectl kustomize {ctx.rel(top.parent)}"
        if build.unreachable is not None:
            yield unreachable_finding(ctx, build.unreachable, top, command)
        elif build.error is not None:
            yield kustomize_failure(ctx, build.error, top, f"{command} fails")


RULE = check
