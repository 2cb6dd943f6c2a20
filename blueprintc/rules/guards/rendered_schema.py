"""What the chart renders must be what the Kubernetes API accepts.

Helm installs a release only if every object it renders validates against the
cluster's OpenAPI schema: a misspelt field (`containerPort` under `ports:` of a
Service, `replica:` for `replicas:`), a string where an integer belongs, or a
missing required field fails the install, and Flux retries the failed
HelmRelease forever. kubeconform catches this in CI; blueprintc checks it here,
offline, with the schemas compile uses for what it emits: the Kubernetes
version's strict schemas (`kubernetesVersion` in blueprintc.yaml or
`--kube-version`; unknown fields are errors, as `kubectl apply
--validate=strict` has them), the Flux and Catalyst schemas it carries, and the
CRDs named by `schemaLocations` / `--schema-location`. Objects of other kinds
are not checked (BPG013 says which).

Each render chart-testing would try is checked: the default values, every
`ci/*values.yaml` of the chart, and each `--values FILE` given to lint; each again
with the custom APIs the chart's templates test for (`asked_apis`), whose objects a
Sovereign serving them installs. A
render that fails with a `ci/` or `--values` file is reported here too, and so
is a template whose output under one is not YAML (Helm refuses that render) or
gives a key or an object twice (Flux refuses it: `manifest_refusals`); the default
render's is BPG003's, and a template that renders so under both is left to it; an
error every render shares is reported once. So is a values schema's
refusal of what values.yaml sets: every render over it fails the same way, and BPG003
reports it for the default render, at the value; and any other failure the default
render meets the same way, which BPG003 reports (a `required` value values.yaml lacks:
one finding, not one more per ci/ file).

A Kustomize Blueprint's objects, as `kubectl kustomize` builds them, are checked the
same way, and reported in the manifest that holds each, at the field
(`kustomized_objects`); so are the objects of the Blueprint's other kustomizations
(BPG023 builds them: a base a cluster's Flux Kustomization applies).

Failing: `templates/deployment.yaml` renders a Deployment with
`spec.replica: 2`.

Passing: the same template with `spec.replicas: 2`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import RenderFailure
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomized_objects import kustomized_object_findings
from blueprintc.rules.guards.object_sources import object_location, upstream_of
from blueprintc.rules.guards.quoted_scalars import quoted_scalar_hint
from blueprintc.rules.guards.render_failures import failure_finding
from blueprintc.rules.guards.rendered_objects import DEFAULT, ValuesSet, rendered_check
from blueprintc.rules.guards.schema_failure import refused_only, schema_findings
from blueprintc.rules.guards.smoke_render import reported_default_failure
from blueprintc.rules.guards.spilled_keys import spilled_keys
from blueprintc.rules.guards.support import chart_location
from blueprintc.rules.guards.value_origin import value_origin
from blueprintc.schema_refusal import refusals


@rule(
    "BPG012",
    "rendered-object-schema",
    Severity.ERROR,
    "an object the chart (or kustomize base) renders is not valid for its kind's schema, "
    "or the chart does not render with a ci/ or --values file",
    "fix the template or the values so the object matches the schema (the Kubernetes "
    "version is blueprintc.yaml's kubernetesVersion or --kube-version)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    yield from _findings(ctx)
    for built in ctx.extra_kustomize_builds:  # last: a refused Blueprint raises here
        yield from kustomized_object_findings(ctx, built)


def _findings(ctx: BlueprintContext) -> Iterator[Finding]:
    if ctx.blueprint.manifest_kind == "kustomize" and ctx.blueprint.manifest_dir is not None:
        yield from kustomized_object_findings(ctx)
        return
    result = rendered_check(ctx)
    if result is None:
        return
    default = reported_default_failure(ctx) if result.failures else None
    for values_set, failure in result.failures:
        yield from _render_failure(ctx, values_set, failure, default)
    version = ctx.workspace.kubernetes_version
    spills = spilled_keys(ctx, result.errors)
    for error in result.errors:
        obj = error.obj
        where = "" if error.values == DEFAULT else f" (rendered with {error.values})"
        upstream = upstream_of(ctx, obj)
        spill = spills.get((id(obj), str(error.values)))
        if spill is not None and upstream is None and error.path in spill.keys:
            if error.path == spill.keys[0]:  # one finding for the keys it spilled
                yield spill.finding(obj, where)
            continue
        schema = f"{obj.api_version} {obj.kind} as Kubernetes {version} defines it"
        if upstream is None:
            hint = f"fix the template or values: the object must match {schema}"
        else:
            where += f" (from the upstream {_named(upstream)}'s {_inner(obj.template)})"
            hint = _upstream_hint(upstream, schema)
        unknown = error.message == "unknown field"  # then the key is what is wrong
        place = value_origin(ctx, obj, error.path, error.values, at_key=unknown)
        if place is not None:  # the Blueprint's own value, wherever the template is
            hint = f"fix what this line sets: the object must match {schema}"
        location = place or object_location(ctx, obj, error.path)
        if upstream is None:
            hint = (
                quoted_scalar_hint(ctx, error.message, location, from_values=place is not None)
                or hint
            )
        yield Finding(
            f"{obj.kind or '(no kind)'} {obj.name or '(no name)'}: "
            f"{error.path or 'the object'}: "
            f"{error.message}{where}",
            location,
            hint=hint,
        )


def _render_failure(
    ctx: BlueprintContext,
    values_set: ValuesSet,
    failure: RenderFailure,
    default: RenderFailure | None,
) -> Iterator[Finding]:
    """A values set's failed render: each value a schema refused at its line, the rest at
    the values set's place; less what BPG003 reports of the default render (`default`),
    which the values set did not cause, unless the values set's own file sets a refused
    value (then that file's line is a second place to fix)."""
    # The defaults with the asked APIs (`asked_apis`) have no file: the chart's name.
    where = values_set.location or chart_location(ctx, ("name",))
    message = f"render with {values_set.label} failed: "
    docs = [values_set.doc, ctx.values_yaml]  # the ci/ file wins over values.yaml
    refused = schema_findings(ctx, failure, message, docs)
    if refused is None:
        if default is None or default.message != failure.message:
            yield failure_finding(
                ctx, failure, message + failure.message, where, where, values_set.doc
            )
        return
    said = set(refusals(default.message)) if default is not None else set()
    for value, finding in refused.located:
        if value not in said or finding.location.file == where.file:
            yield finding
    rest = [value for value in refused.unlocated if value not in said]
    if rest:
        rest_failure = refused_only(failure, rest)
        yield failure_finding(ctx, rest_failure, message + rest_failure.message, where, cause=where)


def _named(upstream: dict[str, Any]) -> str:
    return f"{upstream.get('name')} {upstream.get('version', '')}".rstrip()


def _inner(template: str) -> str:
    """Helm's key of an upstream's template (`bp-x/charts/kyverno/templates/pdb.yaml`)
    as the upstream chart names it (`templates/pdb.yaml`)."""
    return template.split("/", 3)[-1]


def _upstream_hint(upstream: dict[str, Any], schema: str) -> str:
    """An upstream's template is not the platform's to edit: the fixes left are in
    values.yaml or in the version the wrapper pins."""
    key = values_key(upstream)
    return (
        f"the object must match {schema}. If a value under `{key}:` in values.yaml makes "
        f"it so, fix that value; if {_named(upstream)} renders it so itself, pin a "
        f"release of {upstream.get('name')} that fixes it (or turn the object off under "
        f"`{key}:`, if the chart lets you), and report it upstream"
    )


RULE = check
