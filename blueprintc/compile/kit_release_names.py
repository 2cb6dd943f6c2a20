"""BPP033 for two bootstrap-kit entries that install one Helm release on a host cluster.

Flux keeps a HelmRelease's Helm history in its `storageNamespace`, which defaults to the
HelmRelease's own namespace (compile puts every kit HelmRelease in flux-system and sets
none), under its `releaseName`: two kit entries with one release name on a common host
are two HelmReleases driving one Helm release (whatever their target namespaces), each
upgrading it to its own chart, rolling back the other's revisions, and uninstalling it
from under the other. Their objects may differ (BPP033's object check says nothing):
the release itself is what both own.
"""

from __future__ import annotations

from collections.abc import Mapping

from blueprintc.compile import flux
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.model.sovereign import KitEntry, Sovereign


def release_name_findings(
    sovereign: Sovereign,
    entries: Mapping[str, tuple[KitEntry, CatalogEntry]],
    placed_on: Mapping[str, frozenset[str]],
) -> list[Diagnostic]:
    """BPP033 at each kit entry whose release name an entry before it in sovereign.yaml
    has, on a host cluster both are placed on."""
    earlier: dict[str, list[tuple[str, KitEntry]]] = {}
    found = []
    for name, (kit, _) in sorted(entries.items(), key=lambda item: item[1][0].path):
        hosts = placed_on.get(name, frozenset())
        for other_name, other in earlier.get(kit.release_name, []):
            if placed_on.get(other_name, frozenset()) & hosts:
                found.append(_finding(sovereign, name, kit, other_name, other))
                break
        earlier.setdefault(kit.release_name, []).append((name, kit))
    return found


def _finding(
    sovereign: Sovereign, name: str, kit: KitEntry, other_name: str, other: KitEntry
) -> Diagnostic:
    release = kit.release_name
    into = (
        f"into {kit.target_namespace} as well"
        if kit.target_namespace == other.target_namespace
        else f"into {other.target_namespace}, this one into {kit.target_namespace}"
    )
    return report(
        "BPP033",
        f"bootstrap-kit entry {name} installs Helm release {release}, which kit entry "
        f"{other_name} installs too ({into}), on a host cluster both are placed on: Flux "
        f"keeps a release's history in the HelmRelease's namespace ({flux.FLUX_NAMESPACE}) "
        "by its name, so both HelmReleases drive one release, each upgrading it to its own "
        "chart, and uninstalling either removes the other's",
        _release_name(sovereign, kit),
        f"give this entry a `releaseName:` of its own (unset, it is its Blueprint's name "
        f"without bp-); {release} is {other_name}'s",
    )


def _release_name(sovereign: Sovereign, kit: KitEntry) -> Location:
    """The entry's `releaseName:` when it is written, else its `blueprint:`."""
    written = sovereign.doc.get((*kit.path, "releaseName")) is not None
    return at(sovereign.doc, (*kit.path, "releaseName" if written else "blueprint"))
