"""How the objects of releases installed on one cluster are told apart there, as the API
server does: by group, kind and name, and the namespace for a namespaced kind (the one
the chart writes, else the release's target namespace).

Kinds without a namespace are the core API's (`CLUSTER_SCOPED`) and the kinds of the
releases' CRDs with `scope: Cluster` (a ClusterIssuer); any other custom kind is taken
as namespaced, so two releases in different namespaces never clash on it here.
"""

from __future__ import annotations

from collections.abc import Iterable

from blueprintc.crds import KindKey
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
_SHOWN = 3
# What two releases that render one object on one cluster do to it (BPP033's findings).
TAKEN_OVER = (
    "each release takes the object over from the other at every install and upgrade "
    "(Flux's Helm takes ownership of what exists), so it is as the last one left it, "
    "and uninstalling either deletes it from under the other"
)


def cluster_keys(
    objects: Iterable[ObjectKey],
    cluster_kinds: frozenset[KindKey],
    rendered_into: tuple[str, ...],
    target_namespace: str,
) -> list[ObjectKey]:
    """`objects` of one render as the API server tells them apart, sorted: no namespace
    for a cluster-scoped kind; the release's `target_namespace` for a namespaced object
    that writes none or the namespace it was rendered into (`.Release.Namespace`)."""
    keys = set()
    for group, kind, namespace, name in objects:
        if (group, kind) in cluster_kinds:
            namespace = ""
        elif namespace == "" or namespace in rendered_into:
            namespace = target_namespace
        keys.add((group, kind, namespace, name))
    return sorted(keys)


def shown_objects(keys: list[ObjectKey]) -> str:
    """The first few objects, by kind, namespace and name, and how many more."""
    shown = [f"{kind} {f'{ns}/' if ns else ''}{name}" for _, kind, ns, name in keys[:_SHOWN]]
    more = len(keys) - _SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
