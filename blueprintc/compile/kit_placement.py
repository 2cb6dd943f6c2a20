"""Which host clusters install which bootstrap-kit entries (`placement`).

Without `placement` an entry goes to every host cluster, through the kit directory
`clusters/<sovereign>/bootstrap-kit/` that every host's Flux Kustomization applies.
A placed entry lives in a directory of its own, `bootstrap-kit/placed/NN-<bp>/`, and
each host cluster that installs one gets `hosts/<host>/kit/`, a kustomization of the
shared kit directory and its placed entries, which its Flux Kustomization applies
instead. (Directories, not files: kustomize loads no file from outside a
kustomization's root, while a directory is a base it may name.) Namespaces and the
signing-key Secret stay in the shared directory.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from blueprintc.compile import names
from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.sovereign import KitEntry, Sovereign

PLACED_DIR = "placed"
HOST_KIT_DIR = "kit"


@dataclass(frozen=True)
class HostCluster:
    name: str
    provider: str
    region: str
    building_block: str
    env_type: str


def host_clusters(sovereign: Sovereign) -> list[HostCluster]:
    """Every host cluster of the Sovereign: region x building block x env type."""
    return [
        HostCluster(
            names.host_cluster(region.provider, region.region, block, env_type),
            region.provider,
            region.region,
            block,
            env_type,
        )
        for region in sovereign.regions
        for block in region.building_blocks
        for env_type in sovereign.env_types or ("prod",)
    ]


def placements(
    sovereign: Sovereign,
    kits: dict[str, KitEntry],
    depends: dict[str, list[str]],
    found: list[Diagnostic],
) -> dict[str, frozenset[str]]:
    """The host clusters each entry goes to. BPP028 for a placement naming a building
    block or host cluster the Sovereign does not have, for one that matches no host
    cluster, and for an entry placed where a kit entry it depends on is not (its
    `dependsOn` would wait forever there)."""
    hosts = host_clusters(sovereign)
    everywhere = frozenset(h.name for h in hosts)
    blocks = {h.building_block for h in hosts}
    placed: dict[str, frozenset[str]] = {}
    for name, kit in kits.items():
        if not kit.placement_blocks and not kit.placement_clusters:
            placed[name] = everywhere
            continue
        for key, wanted, known in (
            ("buildingBlocks", kit.placement_blocks, blocks),
            ("clusters", kit.placement_clusters, everywhere),
        ):
            for i, value in enumerate(wanted):
                if value not in known:
                    close = difflib.get_close_matches(value, sorted(known), n=1)
                    found.append(
                        report(
                            "BPP028",
                            f"bootstrap-kit entry {name} is placed on {key} {value}, which "
                            f"the Sovereign does not have (it has: {', '.join(sorted(known))})",
                            at(sovereign.doc, (*kit.path, "placement", key, i)),
                            f"did you mean {close[0]}?" if close else f"name one of its {key}",
                        )
                    )
        placed[name] = frozenset(
            h.name
            for h in hosts
            if h.building_block in kit.placement_blocks or h.name in kit.placement_clusters
        )
        if not placed[name]:
            placed[name] = everywhere  # reported above; emitted as if unplaced
    for name, kit in kits.items():
        for dependency in depends.get(name, []):
            missing = sorted(placed[name] - placed.get(dependency, everywhere))
            if missing:
                found.append(
                    report(
                        "BPP028",
                        f"bootstrap-kit entry {name} is placed on {_some(missing)}, where "
                        f"{dependency}, which it depends on, is not: its dependsOn would "
                        "wait there forever",
                        at(
                            sovereign.doc,
                            (*kit.path, "placement")
                            if kit.placement_blocks or kit.placement_clusters
                            else (*kit.path, "blueprint"),
                        ),
                        f"place {dependency} on those host clusters too, or narrow "
                        f"{name}'s placement",
                    )
                )
    return placed


def _some(hosts: list[str], most: int = 3) -> str:
    shown = ", ".join(hosts[:most])
    return shown if len(hosts) <= most else f"{shown} and {len(hosts) - most} more"
