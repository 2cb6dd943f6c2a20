"""BPP033: an object two bootstrap-kit releases would own on one host cluster.

Helm records every object a release installs as the release's, and deletes it when the
release is uninstalled or a later version stops rendering it. Flux 2.9's helm-controller
installs and upgrades with Helm 4, server-side apply and `TakeOwnership` (a HelmRelease's
`disableTakeOwnership` defaults to false): a release takes over an object that already
exists, whoever owns it. So two kit releases placed on a common host that render the
same object take it from each other at every install and upgrade (its fields follow
whichever reconciled last), and uninstalling either one deletes it from under the
other: a CRD templated by both takes every custom resource of it along. A kit chart
that renders the Namespace another kit entry installs into takes that namespace over
the same way, and its uninstall (Flux remediates a failed install with one) deletes
the namespace and every other release's objects in it. With take-ownership turned off,
the second install fails instead (`exists and cannot be imported into the current
release: invalid ownership metadata`).

Objects are told apart as the API server does (`release_objects`). A chart rendering
its own release namespace is lint's BPG022.

Compile renders each kit release as its HelmRelease installs it: under the entry's
release name, into its target namespace (`compile.kit`), so an object is named and
placed as it will be on the cluster. Applications run in vclusters, not on the hosts:
`app_ownership` checks them among themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.release_objects import (
    CLUSTER_SCOPED,
    TAKEN_OVER,
    cluster_keys,
    shown_objects,
)
from blueprintc.compile.render_check import RenderFacts
from blueprintc.crds import KindKey
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.model.sovereign import KitEntry, Sovereign
from blueprintc.owned_objects import ObjectKey

NAMESPACE: KindKey = ("", "Namespace")
# How a kit chart that renders a namespace compile creates is mended (both findings).
NAMESPACE_HINT = (
    "turn the Namespace off in the entry's `values:`; set its labels and annotations on "
    "the kit entry (`namespace.labels`, `namespace.annotations`), which compile emits"
)


@dataclass(frozen=True)
class KitRelease:
    """A kit entry as it lands: its render, and the host clusters it is placed on."""

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
    one renders on a common host, or the Namespace another kit entry installs into
    there, at its entry."""
    releases = [
        KitRelease(name, entries[name][0], placed_on.get(name, frozenset()), rendered[name])
        for name in order
        if name in rendered
    ]
    cluster_kinds = CLUSTER_SCOPED.union(*(r.facts.cluster_kinds for r in releases))
    owners: dict[ObjectKey, list[KitRelease]] = {}
    found = []
    for release in releases:
        clashes: dict[str, list[ObjectKey]] = {}  # the other owner -> the objects
        for key in _keys(release, cluster_kinds):
            for other in owners.get(key, []):
                if other.hosts & release.hosts:
                    clashes.setdefault(other.name, []).append(key)
            owners.setdefault(key, []).append(release)
            if key[:2] == NAMESPACE and key[3] == release.kit.target_namespace:
                found.append(_own_namespace_finding(sovereign, release))
            if key[:2] == NAMESPACE:
                users = [
                    r.name
                    for r in releases
                    if r is not release
                    and r.kit.target_namespace == key[3]
                    and r.hosts & release.hosts
                ]
                if users:
                    found.append(_namespace_finding(sovereign, release, key[3], users))
        for other, keys in clashes.items():
            found.append(_clash_finding(sovereign, release, entries[other][0], keys))
    return found


def _keys(release: KitRelease, cluster_kinds: frozenset[KindKey]) -> list[ObjectKey]:
    """The release's objects as the API server tells them apart."""
    target = release.kit.target_namespace
    return cluster_keys(release.facts.objects, cluster_kinds, (target,), target)


def _entry(sovereign: Sovereign, release: KitRelease) -> Location:
    """Where a finding about a kit release stands: its entry's `blueprint:`."""
    return at(sovereign.doc, (*release.kit.path, "blueprint"))


def _clash_finding(
    sovereign: Sovereign, release: KitRelease, first: KitEntry, keys: list[ObjectKey]
) -> Diagnostic:
    return report(
        "BPP033",
        f"bootstrap-kit entry {release.name} renders {shown_objects(keys)}, which kit entry "
        f"{first.blueprint} renders too, on a host cluster both are placed on: "
        f"{TAKEN_OVER} (with take-ownership off, the second install fails: `invalid "
        "ownership metadata`)",
        _entry(sovereign, release),
        f"let one release own it: turn it off in the {release.name} entry's `values:` (or "
        f"the {first.blueprint} entry's), or name it after the release in its chart",
    )


def _namespace_finding(
    sovereign: Sovereign, release: KitRelease, namespace: str, users: list[str]
) -> Diagnostic:
    return report(
        "BPP033",
        f"bootstrap-kit entry {release.name} renders Namespace {namespace}, which kit "
        f"entr{'ies' if len(users) > 1 else 'y'} {', '.join(users)} install"
        f"{'' if len(users) > 1 else 's'} into: the release takes the namespace over (Flux's "
        "Helm takes ownership of what exists), and its uninstall (Flux remediates a "
        "failed install with one) or a version that stops rendering it deletes the "
        "namespace with every other release's objects in it",
        _entry(sovereign, release),
        NAMESPACE_HINT,
    )


def _own_namespace_finding(sovereign: Sovereign, release: KitRelease) -> Diagnostic:
    """Lint's BPG022 where compile knows the target namespace: a kit chart that renders
    its own (by a fixed name lint cannot tell from another namespace)."""
    namespace = release.kit.target_namespace
    return report(
        "BPG022",
        f"bootstrap-kit entry {release.name} renders Namespace {namespace}, its own target "
        "namespace, which compile creates before the install (`install.createNamespace`): "
        "Flux's Helm takes it over, so the release owns the namespace, and an uninstall "
        "(Flux remediates a failed install with one) or a version that stops rendering it "
        "deletes the namespace and everything in it",
        _entry(sovereign, release),
        NAMESPACE_HINT,
    )
