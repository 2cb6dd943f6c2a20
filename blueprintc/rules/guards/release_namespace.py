"""A chart that renders its own release namespace as a Namespace object.

The namespace a release installs into exists before Helm installs it: every HelmRelease
compile emits creates its target namespace (`install.createNamespace: true`, and an
Application's `namespace.yaml`), as hand-written Flux trees do with a Namespace beside
the HelmRelease. A chart that also renders that Namespace (`name: {{ .Release.Namespace
}}`, often behind a `namespace.create` value that defaults to on) then fails its first
install: Helm refuses to take over an object no release owns (`Namespace "monitoring"
in namespace "" exists and cannot be imported into the current release: invalid
ownership metadata`), or, where Helm created it a moment before, `namespaces
"monitoring" already exists` (helm/helm#9965, whose maintainers' answer is: never both).
Flux retries and leaves the HelmRelease failed. appsmith's, datashim's, castai's and
kruise's charts dropped their Namespace templates for it.

Lint finds a Namespace named as the namespace it renders into, renders the chart again
into another namespace with the same values, and reports the Namespace whose name
followed. A fixed name is left alone: whether it clashes depends on the kit entry's
`targetNamespace`, which lint does not know. Reported at the Namespace's `name:` line,
or a subchart's Chart.yaml entry.

Failing: `kind: Namespace` with `metadata: name: {{ .Release.Namespace }}` in
`templates/namespace.yaml`.

Passing: no Namespace in the chart; its labels and annotations set on the Sovereign's
bootstrap-kit entry (`namespace.labels`, `namespace.annotations`), which compile emits.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc import helm
from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import Render, RenderedObject
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.support import ci_values, usable_render

_OTHER = "-elsewhere"  # appended to the namespace of the second render


@rule(
    "BPG022",
    "release-namespace-in-chart",
    Severity.ERROR,
    "the chart renders the Namespace it is installed into, which already exists at "
    "install: Helm refuses to take it over, and the install fails",
    "remove the Namespace from the chart (or default its toggle to off); set the "
    "namespace's labels and annotations on the bootstrap-kit entry (namespace.labels, "
    "namespace.annotations), which compile emits",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    render = usable_render(ctx)
    if render is None:
        return
    named = [obj for obj in _namespaces(render) if obj.name == ctx.namespace]
    if not named:
        return
    values = None if render is ctx.render(None) else ci_values(ctx)
    elsewhere = ctx.namespace + _OTHER
    moved = helm.render(
        ctx.render_chart,
        values,
        ctx.release_name,
        elsewhere,
        kube_version=ctx.workspace.kubernetes_version,
    )
    if not moved.ok:
        return
    followed = {obj.template for obj in _namespaces(moved) if obj.name == elsewhere}
    for obj in named:
        if obj.template in followed:
            yield _finding(ctx, obj)


def _namespaces(render: Render) -> Iterator[RenderedObject]:
    for obj in render.objects():
        if obj.kind == "Namespace" and obj.body.get("apiVersion") == "v1":
            yield obj


def _finding(ctx: BlueprintContext, obj: RenderedObject) -> Finding:
    name = obj.name
    message = (
        f"Namespace {name} is the namespace the release installs into (the chart writes "
        "it from `.Release.Namespace`), and it exists before the install: every "
        "HelmRelease compile emits creates its target namespace (`install.createNamespace: "
        "true`; an Application's namespace.yaml), so Helm's install fails (`Namespace "
        f'"{name}" in namespace "" exists and cannot be imported into the current release: '
        f'invalid ownership metadata`, or `namespaces "{name}" already exists`), and Flux '
        "leaves the HelmRelease failed"
    )
    return Finding(message, object_location(ctx, obj, "metadata.name"))


RULE = check
