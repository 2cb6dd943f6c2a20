"""Compile-output rules (family BPC): raised by validate_tree and by compile.

Like the input rules they have no per-Blueprint check: the compiler validates the tree
it has just written and reports what does not hold.
"""

from __future__ import annotations

import inspect

from blueprintc.diagnostics import Diagnostic, Location, Severity
from blueprintc.rules.base import Rule


def _output_rule(id: str, name: str, summary: str, hint: str, doc: str) -> Rule:
    return Rule(id, name, Severity.ERROR, summary, hint, inspect.cleandoc(doc), None)


EMITTED_OBJECT_SCHEMA = _output_rule(
    "BPC001",
    "emitted-object-schema",
    "an emitted Kubernetes object does not validate against the schema of its kind",
    "fix the input that produced the object as the message says; if the input is right, "
    "it is a blueprintc bug",
    """Every emitted object validates against its schema.

    `blueprintc compile` checks each document of each `*.yaml` file it writes (except
    kustomization files and the patches and generator sources they use) before
    anything is pushed: Flux objects against the structural Flux 2.9 CRD schemas,
    Organization, Environment and EnvironmentPolicy against blueprintc's Catalyst
    schemas, and core Kubernetes kinds against kubernetes-validate's strict schemas.
    Unknown fields are errors, as on an API server with structural schemas, and an
    object of a kind blueprintc has no schema for is refused: blueprintc cannot vouch
    for it. The diagnostic names the file, the line where the document starts and the
    JSON path of the problem.

    Failing example (HelmRelease without `spec.interval`)::

        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: bp-cnpg
        spec:
          chart: {spec: {chart: bp-cnpg, sourceRef: {kind: HelmRepository, name: bp-cnpg}}}
    """,
)

KUSTOMIZE_BUILD = _output_rule(
    "BPC002",
    "kustomize-build",
    "an emitted kustomization.yaml does not build with `kubectl kustomize`",
    "fix what kustomize names (a missing resource, a duplicate object, a bad patch)",
    """Every emitted kustomization builds.

    Flux's kustomize-controller runs kustomize on every path it reconciles, so a
    kustomization that does not build stops a whole Environment. blueprintc runs the
    real `kubectl kustomize` on each entry point of the tree (a kustomization no other
    one refers to; building it builds everything it refers to) and, when one fails,
    on the kustomizations it lists as resources, to report the deepest one that fails.

    Failing example (`missing.yaml` does not exist)::

        resources:
          - 00-namespace.yaml
          - missing.yaml
    """,
)

UNRESOLVED_REFERENCE = _output_rule(
    "BPC003",
    "unresolved-reference",
    "a planned reference names nothing the tree applies on that cluster",
    "it is a blueprintc bug if the inputs compiled without another finding: report it",
    """Every reference resolves on the cluster it lands on.

    Before anything is written, compile models what each host cluster (its
    `clusters/<sovereign>/hosts/<host>/` entry point and every Flux Kustomization
    path from there) and each vcluster (`vclusters/<vcluster>/`, then the
    Application repositories its Kustomizations follow) applies, and checks that
    every HelmRelease `chart.spec.sourceRef`, `verify.secretRef` and `dependsOn`,
    every Kustomization `sourceRef`, `dependsOn`, `substituteFrom` and `path`, every
    GitRepository `verify.secretRef` and every Receiver resource names an object (or
    directory) of that cluster. Flux would wait on any of them forever. The plan
    rules (BPP002, BPP023, BPP028) report the input mistakes that lead here; this
    rule is the net under them. Reported at the file, with the clusters affected.

    Failing example (no HelmRelease bp-cnpg on the cluster)::

        kind: HelmRelease
        metadata: {name: bp-app, namespace: flux-system}
        spec:
          dependsOn: [{name: bp-cnpg}]
    """,
)

RULES = [EMITTED_OBJECT_SCHEMA, KUSTOMIZE_BUILD, UNRESOLVED_REFERENCE]


def diagnostic(rule: Rule, message: str, location: Location) -> Diagnostic:
    return Diagnostic(rule.id, rule.name, rule.severity, message, location, rule.hint)
