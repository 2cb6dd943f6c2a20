"""GUARD 2: the chart renders with its default values.

`helm template` with default values must succeed and produce at least 5
lines (canon `charts.smokeRenderMinLines`). Two opt-outs, by the chart
annotation `catalyst.openova.io/smoke-render-mode`:

* ``default-off``: a master `enabled: false` gate renders nothing by design;
  the render must still succeed. A chart with `enabled` defaulting to false
  and no upstream needs **both** this and `no-upstream` (real incident: a
  network-policies Blueprint carried only the first, and its version was
  burned by a failed publish).
* ``requires-overlay``: the default render may fail, but *only* because a
  `required` value must come from the per-cluster overlay. Any other
  failure still fails.

A default render whose output is not YAML fails too, as `helm template` refuses
it: `env: {{ .Values.org }}-{{ .Values.type }}` with both values unset renders
`env: -`. It is reported at the template line whose text before its first `{{`
starts the bad output line. So does a default render with a document that is no
object (a `required` value printed on a line of its own) or a Kustomize file (a
`kustomization.yaml` not in .helmignore), which Helm refuses, or one
that Flux's helm-controller refuses though `helm install` takes it: a key twice in one
mapping, an object twice (`manifest_refusals`). A render that a chart's `values.schema.json`
refuses (the chart's own, or an upstream's for the values under its key) is
reported at the refused value in values.yaml, where Helm's message names none. A
failure in an upstream's template is reported at the upstream's Chart.yaml entry: the
fix is a value under its key, never an edit of a vendored template.

A chart whose Chart.yaml `kubeVersion` leaves out the Kubernetes version it is linted
for (`kubernetesVersion` in blueprintc.yaml, or `--kube-version`) fails too, at that
line: Helm checks it before it renders (`chart requires kubeVersion: >=1.33.0-0 which
is incompatible with Kubernetes v1.32.0`), for the chart it installs, not its
subcharts. So does a template directive in a `crds/` file, which Helm installs as
written (`crd_files`).

Failing: a template with a typo (`{{ .Values.image.tag | quot }}`), or a chart
whose templates are all gated off without the `default-off` annotation.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import RenderFailure
from blueprintc.plan.versions import RangeError, VersionError, parse_range
from blueprintc.remote_schemas import SCHEMA_FILE
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.crd_files import templated_crd_files
from blueprintc.rules.guards.manifest_refusals import refused_manifests
from blueprintc.rules.guards.named_templates import helper_bodies
from blueprintc.rules.guards.remote_schema import fix, not_loaded, place
from blueprintc.rules.guards.render_failures import failure_finding, upstream_entry
from blueprintc.rules.guards.schema_failure import schema_findings, unusable_schema_finding
from blueprintc.rules.guards.support import (
    chart_location,
    is_helm,
    renderable,
    smoke_mode,
    stand_in_failure,
)


@rule(
    "BPG003",
    "smoke-render",
    Severity.ERROR,
    "the chart does not render with default values (GUARD 2)",
    "fix the template, or annotate the chart's intended smoke-render mode",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or not renderable(ctx):
        return
    charts = ctx.canon.section("charts")
    modes = [str(m) for m in charts.get("smokeRenderModes", [])]
    mode = smoke_mode(ctx)
    annotation = charts["annotations"]["smokeRenderMode"]
    if mode is not None and mode not in modes:
        yield Finding(
            f"unknown smoke-render mode {mode!r} (known: {', '.join(modes)})",
            chart_location(ctx, ("annotations", annotation), key=False),
            hint=f"use one of: {', '.join(modes)}",
        )
        return
    excluded = _kube_version_excluded(ctx)
    if excluded is not None:
        yield excluded
    yield from templated_crd_files(ctx)
    render = ctx.render(None)
    made = ctx.stand_in
    if render.failure is not None:
        if not _expected(ctx, render.failure, mode):
            yield from _failure(ctx, render.failure, mode, annotation)
        return
    unparsable = refused_manifests(ctx, render)
    for failure in unparsable:
        message = f"the default render of {failure.message}"
        yield failure_finding(ctx, failure, message, chart_location(ctx, ("name",)))
    if unparsable:
        return
    minimum = int(charts.get("smokeRenderMinLines", 5))
    if made is not None and made.stubs:
        return  # a wrapper's own templates may render little; its upstream is a stub
    if mode != "default-off" and not render.has_lines(minimum):
        yield Finding(
            f"default render produced {render.line_count} line(s), fewer than {minimum}: "
            "the chart installs (almost) nothing",
            chart_location(ctx, ("name",)),
            hint=f'if an `enabled: false` gate is intended, annotate `{annotation}: "default-off"`',
        )


def _kube_version_excluded(ctx: BlueprintContext) -> Finding | None:
    """Chart.yaml's `kubeVersion` when it leaves out the Kubernetes version the chart is
    linted for: Helm refuses to render or install the chart there (the SDK's render, a
    template engine's, does not check it). A range that does not parse is left alone."""
    wanted = ctx.chart_meta.get("kubeVersion")
    if not isinstance(wanted, str) or not wanted.strip():
        return None
    version = ctx.workspace.kubernetes_version
    try:
        if parse_range(wanted).contains(version):
            return None
    except (RangeError, VersionError):
        return None
    return Finding(
        f"Chart.yaml's kubeVersion `{wanted}` leaves out Kubernetes {version}, which the "
        "Blueprint is linted for: Helm refuses to install the chart there (`chart requires "
        f"kubeVersion: {wanted} which is incompatible with Kubernetes v{version}`)",
        chart_location(ctx, ("kubeVersion",), key=False),
        hint=(
            f"widen the range to take {version} (a lower bound with `-0`, as "
            "`>=1.28.0-0`, also takes the providers' builds such as `1.32.0-gke.1`), or "
            "raise `kubernetesVersion` in blueprintc.yaml if every Sovereign runs a newer one"
        ),
    )


def reported_default_failure(ctx: BlueprintContext) -> RenderFailure | None:
    """The default render's failure when this rule reports it, else None (BPG012 leaves
    the same failure of a `ci/` render over it to this rule; BPG005 a toggle whose value
    it names)."""
    modes = [str(m) for m in ctx.canon.section("charts").get("smokeRenderModes", [])]
    mode = smoke_mode(ctx)
    if not is_helm(ctx) or not renderable(ctx) or (mode is not None and mode not in modes):
        return None
    failure = ctx.render(None).failure
    return failure if failure is not None and not _expected(ctx, failure, mode) else None


def _expected(ctx: BlueprintContext, failure: RenderFailure, mode: str | None) -> bool:
    """A default render's failure that is no defect of the chart: a `required` value a
    `requires-overlay` chart leaves to its overlay, or one caused by a dependency that is
    not built (BPG011 says so)."""
    if mode == "requires-overlay" and _is_required_failure(ctx, failure):
        return True
    return stand_in_failure(ctx, failure)


def _is_required_failure(ctx: BlueprintContext, failure: RenderFailure) -> bool:
    """A `required` failure: Helm's message and the template line both say so."""
    if not failure.is_execution_error:
        return False
    source = ctx.template_source(failure.template)
    if source is None:
        return True
    line = source.line_text(failure.line)
    if "required" in line:
        return True
    # `required` inside a named helper: Helm reports the `include` site.
    bodies = helper_bodies(ctx)
    return any("required" in bodies.get(name, "") for name in _INCLUDE.findall(line))


_INCLUDE = re.compile(r"(?:include|template)\s+\"([^\"]+)\"")


def _failure(
    ctx: BlueprintContext, failure: RenderFailure, mode: str | None, annotation: str
) -> Iterator[Finding]:
    prefix = "default render failed"
    if ctx.stand_in is not None:
        prefix += " (dependencies not built: stood in for, see BPG011)"
    if mode == "requires-overlay":
        prefix += " for a reason other than a `required` overlay value"
    remote = not_loaded(ctx, failure.message)
    if remote is not None:  # a remote schema Helm could not fetch: at its `$ref`
        hint = (
            f"Helm fetches {remote.url} ({SCHEMA_FILE} of {remote.chart}) to check the values "
            f"at every render, install and upgrade, and it could not be fetched here; "
            f"{fix(remote)}"
        )
        yield Finding(f"{prefix}: {failure.message}", place(ctx, remote), hint=hint)
        return
    unusable = unusable_schema_finding(ctx, failure, f"{prefix}: {failure.message}")
    if unusable is not None:  # the chart's values.schema.json itself: at its line
        yield unusable
        return
    refused = schema_findings(ctx, failure, f"{prefix}: ", [ctx.values_yaml])
    if refused is not None:  # values its values.schema.json refuses: each at its value
        yield from (finding for _, finding in refused.located)
        unlocated = refused.unlocated_failure(failure)
        if unlocated is None:
            return
        failure = unlocated
    finding = failure_finding(
        ctx, failure, f"{prefix}: {failure.message}", chart_location(ctx, ("name",))
    )
    if mode is None and _is_required_failure(ctx, failure):
        # The chart wants a value only the per-cluster overlay has: the canon's opt-out.
        overlay = (
            f'annotate the chart: set annotations: {{{annotation}: "requires-overlay"}} in '
            f"{chart_location(ctx, ('name',)).file}"
        )
        if upstream_entry(ctx, failure.template) is not None:  # the fix is in values first
            hint = f"{finding.hint}; if only the per-cluster overlay has the value, {overlay}"
        else:
            hint = (
                f"if the per-cluster overlay supplies this value, {overlay}; else give it a default"
            )
        finding = dataclasses.replace(finding, hint=hint)
    yield finding


RULE = check
