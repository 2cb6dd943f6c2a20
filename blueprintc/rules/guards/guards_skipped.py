"""Guards that could not run: the chart's dependencies are not built, or (under
`--offline`) a render would have to fetch a remote values schema, or a Kustomize build
a remote resource, or a requires-overlay or default-off chart has no `ci/` values
to render with.

A Blueprint repository's source tree normally ignores `charts/` and CI
builds it with `helm dependency build`. Helm renders a chart whose subcharts
are absent as if they were empty, so blueprintc does not trust such a render:
the smoke render (BPG003), the observability renders (BPG006), the labels
(BPG008) and the CRD checks (BPG009) are skipped. That is not a defect, and
it is never silent: one info finding per chart names the absent
dependencies and the guards skipped, so nobody mistakes "passed" for
"checked". (Where `charts/` is tracked in git, or under `--dependency-build`,
an absent dependency is a BPG002 error instead.)

Where it can, blueprintc renders the chart's own templates all the same, in a
private copy (nothing is written to the workspace): a missing `file://`
dependency inside the workspace (a helper library) is taken from its source,
any other one is stood in for by an empty stub chart. The guards then run on
that render, and this finding says what they ran on and what they could not
see (the stubbed subcharts' own objects and toggles). When the chart's
templates use a named template of a dependency that is not built, nothing
renders and the guards are skipped.

A chart whose values schemas refer to a remote schema (`"$ref": "https://..."`, its
own or a subchart's) is not rendered under `--offline`: Helm fetches that schema to
check the values at every render. This finding names it, at its `$ref` (or the
subchart's Chart.yaml entry), and the guards skipped.

A Kustomize Blueprint whose kustomization lists a remote resource (a git
URL such as `https://github.com/org/repo//dir?ref=v1`) is not built under
`--offline`, where kustomize could only fail to fetch it: this finding names
the remote resources, at the first, and the guards skipped. So is any other
kustomization of the Blueprint that fetches one (BPG023 builds those), at its entry.

A chart annotated `catalyst.openova.io/smoke-render-mode: requires-overlay` may fail
its default render on a `required` value the per-cluster overlay supplies, and one
annotated `default-off` may render nothing (BPG003 lets both); the render guards then
render it with `chart/ci/*values.yaml` (chart-testing's convention), and a default-off
chart that ships none with its master gate on (`enabled: true`) where that renders. A
chart left with nothing to render them with gets this finding, at the annotation,
naming the guards skipped.

Reported: `Chart.yaml` declares `podinfo 6.7.1`, `charts/` is absent and
ignored by git.

Not reported: `charts/podinfo-6.7.1.tgz` is there (built or vendored).
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_support import entry_location
from blueprintc.rules.guards.remote_schema import fix, listed, place
from blueprintc.rules.guards.smoke_render import reported_default_failure
from blueprintc.rules.guards.support import (
    OVERLAID_MODES,
    base_values,
    chart_location,
    ci_values,
    is_helm,
    master_gate_on,
    missing_dependencies,
    smoke_mode,
    stand_in_failure,
    usable_render,
)

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
    "the chart's dependencies are not built, or (--offline) a remote values schema or a "
    "Kustomize build's remote resources not fetched, or a requires-overlay or default-off "
    "chart ships no ci/ values: what the render guards ran on, or that they were skipped",
    "run `blueprintc lint --dependency-build` where the chart repositories are reachable "
    "to run them",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    yield from _skipped(ctx)
    yield from _extra_not_fetched(ctx)  # last: a refused Blueprint raises here


def _skipped(ctx: BlueprintContext) -> Iterator[Finding]:
    if ctx.blueprint.manifest_kind == "kustomize":
        yield from _not_fetched(ctx)
        return
    if not is_helm(ctx):
        return
    if not ctx.may_render:
        yield _remote_schemas(ctx)
        return
    overlay = _without_ci_values(ctx)
    if overlay is not None:
        yield overlay
    missing = missing_dependencies(ctx)
    if not missing or ctx.dependencies_required:
        return
    assert ctx.chart_dir is not None
    names = ", ".join(f"{d.get('name') or '(no name)'} {d.get('version')}" for d in missing)
    why = (
        "--offline skipped the dependency build"
        if ctx.offline and ctx.build_dependencies
        else f"{ctx.rel(ctx.chart_dir / 'charts')}/ is not tracked in git, CI builds it"
    )
    yield Finding(
        f"dependencies not built: {names} ({why}); {_what_ran(ctx)}",
        chart_location(ctx, ("dependencies",)),
    )


def _without_ci_values(ctx: BlueprintContext) -> Finding | None:
    """A chart whose default render is not the chart at work, as its smoke-render mode
    allows (a `requires-overlay` one stops at a value the overlay supplies, a
    `default-off` one renders no object), with no `ci/*values.yaml` to render instead."""
    mode = smoke_mode(ctx)
    if mode not in OVERLAID_MODES or ci_values(ctx) is not None:
        return None
    said = _gated_off(ctx) if mode == "default-off" else _stopped_at_overlay(ctx)
    if said is None:
        return None
    why, fix = said
    # The toggles are tried over the base values: over `enabled: true`, BPG006 ran.
    toggles_ran = mode == "default-off" and base_values(ctx) is not None
    skipped = [*SKIPPED[2 if toggles_ran else 1 :], "release namespace (BPG022)"]
    if not ctx.values_files:
        skipped.append("rendered objects (BPG012)")
    annotation = ctx.canon.section("charts")["annotations"]["smokeRenderMode"]
    return Finding(
        f"the chart is annotated `{annotation}: {mode}` and {why}; it ships no "
        f"ci/*values.yaml to render it with: guards skipped: {', '.join(skipped)}",
        chart_location(ctx, ("annotations", annotation), key=False),
        hint=f"add chart/ci/overlay-values.yaml {fix} (chart-testing's convention): the "
        "guards then render the chart with it",
    )


def _gated_off(ctx: BlueprintContext) -> tuple[str, str] | None:
    """Why a default-off chart's guards saw nothing, and its fix; None when they saw
    objects (or BPG003 reports its failure)."""
    checked = usable_render(ctx)
    if checked is None or checked.objects():
        return None
    why = "it renders no object with its defaults (its gate is off by design)"
    gate_on = master_gate_on(ctx)
    if gate_on is not None:
        failure = ctx.render(gate_on).failure
        why += (
            " or with `enabled: true`"
            if failure is None
            else f", and with `enabled: true` it does not render ({failure.message})"
        )
    return why, "with values that turn it on"


def _stopped_at_overlay(ctx: BlueprintContext) -> tuple[str, str] | None:
    """Why a requires-overlay chart's guards had nothing to render, and its fix; None
    when its defaults render, BPG003 reports their failure, or its absent dependencies
    are the reason (said by the dependencies' finding)."""
    failure = ctx.render(None).failure
    if failure is None or reported_default_failure(ctx) is not None:
        return None
    if stand_in_failure(ctx, failure):
        return None
    why = f"its default render stops at a value the overlay supplies ({failure.message})"
    return why, "with the values the per-cluster overlay supplies"


def _remote_schemas(ctx: BlueprintContext) -> Finding:
    refs = ctx.remote_schema_refs
    skipped = ", ".join((*SKIPPED, "rendered objects (BPG012)"))
    return Finding(
        f"{listed(refs)}, which Helm fetches to check the values at every render; "
        f"--offline skipped the chart's renders: guards skipped: {skipped}",
        place(ctx, refs[0]),
        hint=f"run `blueprintc lint` without --offline where {refs[0].host} is reachable to "
        f"run them; {fix(refs[0])}",
    )


def _not_fetched(ctx: BlueprintContext) -> Iterator[Finding]:
    remote = ctx.kustomize_build.not_fetched
    if not remote:
        return
    where = entry_location(ctx, remote[0])
    yield Finding(
        f"the Kustomize build fetches {', '.join(remote)}; --offline skipped it: guards "
        "skipped: kustomize build (BPG010), recommended labels (BPG008)",
        where,
        hint="run `blueprintc lint` without --offline where they are reachable to run them",
    )


def _extra_not_fetched(ctx: BlueprintContext) -> Iterator[Finding]:
    """The Blueprint's other kustomizations (BPG023) that --offline did not build."""
    for top, build in ctx.extra_kustomize_builds:
        if build.not_fetched:
            yield Finding(
                f"the kustomization {ctx.rel(top.parent)} fetches "
                f"{', '.join(build.not_fetched)}; --offline skipped its build (BPG023)",
                entry_location(ctx, build.not_fetched[0], top),
                hint="run `blueprintc lint` without --offline where they are reachable to build it",
            )


def _what_ran(ctx: BlueprintContext) -> str:
    skipped = f"guards skipped: {', '.join(SKIPPED)}"
    made = ctx.stand_in
    if made is None:
        return skipped
    default = ctx.render(None)
    if default.failure is not None and stand_in_failure(ctx, default.failure):
        return f"the chart's templates need them to render ({default.failure.message}); {skipped}"
    libraries = ", ".join(f"{lib.name} from {lib.source}" for lib in made.local)
    stubs = ", ".join(made.stubs)
    if usable_render(ctx) is None:  # BPG003's failure, or a requires-overlay one
        parts = [f"{stubs} stood in for"] if stubs else []
        parts += [f"{libraries} from its source"] if libraries else []
        with_what = " and ".join(parts)
        return (
            f"the chart's own templates, rendered with {with_what}, fail before the guards "
            f"could run (that failure is a finding of its own): guards skipped: "
            f"{', '.join(SKIPPED[1:])}"
        )
    if not made.stubs:
        return f"the guards ran with {libraries} taken from its source (file://)"
    taken = f" and {libraries} from its source" if libraries else ""
    return (
        f"the guards ran on the chart's own templates{taken}, with {stubs} stood in for "
        f"by an empty stub: nothing of {stubs} itself was rendered or checked"
    )


RULE = check
