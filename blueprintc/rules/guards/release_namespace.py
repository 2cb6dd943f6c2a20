"""A chart that renders its own release namespace as a Namespace object.

The namespace a release installs into exists before Helm installs it: every HelmRelease
compile emits creates its target namespace (`install.createNamespace: true`, and an
Application's `namespace.yaml`), as hand-written Flux trees do with a Namespace beside
the HelmRelease. A chart that also renders that Namespace (`name: {{ .Release.Namespace
}}`, often behind a `namespace.create` value that defaults to on) makes the release its
owner: Flux 2.9's helm-controller installs with Helm 4's take-ownership on
(`disableTakeOwnership` defaults to false), so it takes the namespace over, and Helm
deletes what a release owns when the release is uninstalled or stops rendering it. An
uninstall (Flux remediates a failed install with one, between retries) or a later
version with the toggle off then deletes the namespace and everything in it: the
volumes' claims, the Secrets, an Application's own HelmRelease, the objects of every
other release installed there. With take-ownership off, as Helm 3 and older Flux did,
the install fails instead (`exists and cannot be imported into the current release:
invalid ownership metadata`, or `namespaces "x" already exists`: helm/helm#9965, where
a maintainer's answer is never both). appsmith's, datashim's, castai's and kruise's
charts dropped their Namespace templates for it. A Namespace annotated
`helm.sh/resource-policy: keep`, which Helm never deletes, is left alone.

Lint finds a Namespace named as the namespace it renders into, renders the chart again
into another namespace with the same values, and reports the Namespace whose name
followed: in the render the guards check and in each `ci/*values.yaml` and `--values`
file's (a Namespace a value turns on is owned wherever that value is set; such a
finding names the file). A fixed name is left alone: whether it is the release's
namespace depends on the kit entry's `targetNamespace`, which lint does not know and
compile does: compile reports a kit chart rendering its own target namespace, by any
name, as BPG022 at the kit entry (`compile.kit_ownership`). Reported at the
Namespace's `name:` line, or a subchart's Chart.yaml entry.

Failing: `kind: Namespace` with `metadata: name: {{ .Release.Namespace }}` in
`templates/namespace.yaml`.

Passing: no Namespace in the chart; its labels and annotations set on the Sovereign's
bootstrap-kit entry (`namespace.labels`, `namespace.annotations`), which compile emits.
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc import helm
from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.helm import Render, RenderedObject
from blueprintc.owned_objects import released
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.rendered_objects import checked_renders

_OTHER = "-elsewhere"  # appended to the namespace of the second render


@rule(
    "BPG022",
    "release-namespace-in-chart",
    Severity.WARNING,
    "the chart renders the Namespace it is installed into: the release takes it over, "
    "and an uninstall deletes the namespace with everything in it",
    "remove the Namespace from the chart (or default its toggle to off) and set its "
    "labels and annotations on the bootstrap-kit entry (namespace.labels, "
    "namespace.annotations), which compile emits; to keep it in the chart, annotate it "
    "helm.sh/resource-policy: keep",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    seen: set[Location] = set()
    for render, values, label, api_versions in checked_renders(ctx):
        named = [obj for obj in _namespaces(render) if obj.name == ctx.namespace]
        if not named:
            continue
        elsewhere = ctx.namespace + _OTHER
        moved = helm.render(
            ctx.render_chart,
            values,
            ctx.release_name,
            elsewhere,
            api_versions=api_versions,
            kube_version=ctx.workspace.kubernetes_version,
        )
        if not moved.ok:
            continue
        followed = {obj.template for obj in _namespaces(moved) if obj.name == elsewhere}
        for obj in named:
            where = object_location(ctx, obj, "metadata.name")
            if obj.template in followed and where not in seen:
                seen.add(where)
                yield _finding(obj, where, label)


def _namespaces(render: Render) -> Iterator[RenderedObject]:
    """The Namespaces of the render that Helm deletes with the release (no hook, none
    kept)."""
    for obj in render.objects():
        if (
            obj.kind == "Namespace"
            and obj.body.get("apiVersion") == "v1"
            and released(obj.body.get("metadata"))
        ):
            yield obj


def _finding(obj: RenderedObject, where: Location, label: str) -> Finding:
    """At the Namespace's name; `label` names the values set that turns it on, if any."""
    name = obj.name
    message = (
        f"Namespace {name} is the namespace the release installs into (the chart writes "
        "it from `.Release.Namespace`), which exists before the install (compile's "
        "HelmReleases create it): Flux's Helm takes it over, so the release owns the "
        "namespace, and an uninstall (Flux remediates a failed install with one) or a "
        "version that stops rendering it deletes the namespace and everything in it; "
        "with take-ownership off, the install fails instead (`invalid ownership metadata`)"
    )
    return Finding(message + (f" (rendered with {label})" if label else ""), where)


RULE = check
