"""BPP033: an object two bootstrap-kit releases would own on one host cluster.

Helm records every object a release installs as the release's (its `meta.helm.sh/
release-name` annotation) and refuses to install one that already exists without that
mark: `ClusterRole "x" in namespace "" exists and cannot be imported into the current
release: invalid ownership metadata`. So when two kit releases placed on a common host
render the same object, whichever Flux installs second fails, and stays failed. Among
them, a Namespace that exists before the release installs: the target namespace of a
kit entry, which compile creates (`install.createNamespace`, the one Helm creates just
before the install, or `namespaces.yaml` for a namespace with labels or annotations).

Objects are told apart as the API server does: by group, kind and name, and the
namespace for a namespaced kind (the one the chart writes, else the release's target
namespace). Kinds without a namespace are the core API's (`CLUSTER_SCOPED`) and the
kinds of any kit release's CRDs with `scope: Cluster` (a ClusterIssuer); any other
custom kind is taken as namespaced, so two releases in different namespaces never
clash on it here.

Compile renders each kit release once, under the Blueprint's name and into its
short name (`RenderCache.facts_for`); a namespace written as that short name is read as
the release's target namespace (`.Release.Namespace`). Applications are left out: each
Organization's Environment is a vcluster of its own, and Applications of one Blueprint
share their renders (names made from the release name would look alike).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.kit_release import install_settings
from blueprintc.compile.render_check import RenderFacts
from blueprintc.crds import KindKey
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.sovereign import KitEntry, Sovereign
from blueprintc.owned_objects import ObjectKey

CLUSTER_SCOPED: frozenset[KindKey] = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("networking.k8s.io", "IngressClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    }
)
NAMESPACE: KindKey = ("", "Namespace")
_SHOWN = 3


@dataclass(frozen=True)
class KitRelease:
    """A kit entry as it lands: where compile's render put it, where it really goes."""

    name: str  # the kit entry's (its Blueprint's canonical name)
    kit: KitEntry
    hosts: frozenset[str]
    facts: RenderFacts


def ownership_findings(
    sovereign: Sovereign,
    entries: Mapping[str, tuple[KitEntry, CatalogEntry]],
    rendered: Mapping[str, RenderFacts],
    placed_on: Mapping[str, frozenset[str]],
    order: Iterable[str],
) -> list[Diagnostic]:
    """BPP033 for each kit release (in install order) that renders an object an earlier
    one renders on a common host, or a Namespace compile creates there, at its entry."""
    releases = [
        KitRelease(name, entries[name][0], placed_on.get(name, frozenset()), rendered[name])
        for name in order
        if name in rendered
    ]
    cluster_kinds = CLUSTER_SCOPED.union(*(r.facts.cluster_kinds for r in releases))
    created = _created_namespaces(sovereign, releases)
    owners: dict[ObjectKey, list[KitRelease]] = {}
    found = []
    for release in releases:
        clashes: dict[str, list[ObjectKey]] = {}  # the other owner -> the objects
        for key in _keys(release, cluster_kinds):
            for other in owners.get(key, []):
                if other.hosts & release.hosts:
                    clashes.setdefault(other.name, []).append(key)
            owners.setdefault(key, []).append(release)
            if key[:2] == NAMESPACE:
                makers = [m for m, hosts in created.get(key[3], []) if hosts & release.hosts]
                if makers:
                    found.append(_namespace_finding(sovereign, release, key[3], makers))
        for other, keys in clashes.items():
            found.append(_clash_finding(sovereign, release, entries[other][0], keys))
    return found


def _keys(release: KitRelease, cluster_kinds: frozenset[KindKey]) -> list[ObjectKey]:
    """The release's objects as the API server tells them apart."""
    rendered_into = release.name.removeprefix("bp-")  # `RenderCache.facts_for`'s
    keys = set()
    for group, kind, namespace, name in release.facts.objects:
        if (group, kind) in cluster_kinds:
            namespace = ""
        elif namespace in ("", rendered_into):
            namespace = release.kit.target_namespace
        keys.add((group, kind, namespace, name))
    return sorted(keys)


def _created_namespaces(
    sovereign: Sovereign, releases: list[KitRelease]
) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Each namespace compile creates, with who creates it (a kit entry's name, or
    `namespaces.yaml`) and on which hosts."""
    everywhere = frozenset().union(*(r.hosts for r in releases))
    created: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for release in releases:
        kit = release.kit
        if kit.namespace_labels or kit.namespace_annotations:
            created.setdefault(kit.target_namespace, []).append(("namespaces.yaml", everywhere))
        if install_settings(kit).get("createNamespace") is True:
            created.setdefault(kit.target_namespace, []).append((release.name, release.hosts))
    return created


def _shown(keys: list[ObjectKey]) -> str:
    shown = [f"{kind} {f'{ns}/' if ns else ''}{name}" for _, kind, ns, name in keys[:_SHOWN]]
    more = len(keys) - _SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _clash_finding(
    sovereign: Sovereign, release: KitRelease, first: KitEntry, keys: list[ObjectKey]
) -> Diagnostic:
    _, kind, namespace, name = keys[0]
    return report(
        "BPP033",
        f"bootstrap-kit entry {release.name} renders {_shown(keys)}, which kit entry "
        f"{first.blueprint} renders too, on a host cluster both are placed on: Helm "
        "installs the first release's and refuses the other's (`"
        f'{kind} "{name}" in namespace "{namespace}" exists and cannot be imported into '
        "the current release: invalid ownership metadata; annotation validation error: "
        f'key "meta.helm.sh/release-name" must equal "{release.kit.release_name}": '
        f'current value is "{first.release_name}"`), and Flux leaves that HelmRelease '
        "failed",
        at(sovereign.doc, (*release.kit.path, "blueprint")),
        f"let one release own it: turn it off in the {release.name} entry's `values:` (or "
        f"the {first.blueprint} entry's), or name it after the release in its chart",
    )


def _namespace_finding(
    sovereign: Sovereign, release: KitRelease, namespace: str, makers: list[str]
) -> Diagnostic:
    by = ", ".join(
        "namespaces.yaml (its labels and annotations)"
        if maker == "namespaces.yaml"
        else f"kit entry {maker}'s `install.createNamespace`"
        for maker in dict.fromkeys(makers)
    )
    return report(
        "BPP033",
        f"bootstrap-kit entry {release.name} renders Namespace {namespace}, which compile "
        f"creates before the release installs ({by}): Helm refuses to take it over "
        f'(`Namespace "{namespace}" in namespace "" exists and cannot be imported into the '
        'current release: invalid ownership metadata`, or `namespaces "'
        f'{namespace}" already exists`), and Flux leaves the HelmRelease failed',
        at(sovereign.doc, (*release.kit.path, "blueprint")),
        "turn the Namespace off in the entry's `values:`; set its labels and annotations on "
        "the kit entry (`namespace.labels`, `namespace.annotations`), which compile emits",
    )
