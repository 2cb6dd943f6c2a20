"""BPP034: a kit release renders a custom resource of a kind nothing on the host
clusters serves.

Helm installs a release's objects in one apply; one of a kind the API server does not
serve fails the whole install ("no matches for kind ... ensure CRDs are installed
first"), and Flux retries it forever. A kind is served when Kubernetes itself serves
its group (at the workspace's Kubernetes version), when it is Flux's (the kit is
applied by Flux, so its CRDs are there), when a kit release installs it (see
`crd_order.unserved_kinds` and `runtime_crds`), when a `spec.kit.before` or `after`
manifest directory holds its CRD, or when the workspace says the host clusters serve it
already (`lint.rules.BPP034.options.served`: API groups or `group/Kind`, the CRDs a
cluster is provisioned with, as `helm --api-versions` tells Helm what a cluster has).

A custom resource of a kind the kit's CRDs do serve, but at another version than
written (the CRD lists it `served: false`, or no longer lists it), fails the same way
('no matches for kind "X" in version "g/v1beta1"'): also BPP034, naming the versions
served.

Nothing is said unless compile knows everything the kit installs: every entry in the
catalog and rendered, every manifest directory's files local.
"""

from __future__ import annotations

import re
from typing import Any

from blueprintc.blueprint_names import canonical
from blueprintc.compile.crd_order import listed, unserved_kinds, unserved_versions
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry, Inputs
from blueprintc.compile.kit_manifests import ManifestDir
from blueprintc.compile.render_check import RenderCache, RenderFacts
from blueprintc.crds import CRD_KIND, KindKey, crd_kind
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.sovereign import KitEntry
from blueprintc.yamldoc import YamlDoc

RULE = "BPP034"
FLUX_GROUPS = ".toolkit.fluxcd.io"
OPTION = ("lint", "rules", RULE, "options", "served")
# An API group (`cilium.io`), or a group and a kind (`cilium.io/CiliumNetworkPolicy`).
_SERVED = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[A-Z][A-Za-z0-9]*)?$")


def unserved_findings(
    inputs: Inputs,
    entries: dict[str, tuple[KitEntry, CatalogEntry]],
    rendered: dict[str, RenderFacts],
    cache: RenderCache,
) -> list[Diagnostic]:
    """BPP034 at each kit entry that renders a custom resource nothing serves; `entries`:
    every resolved kit entry, `rendered`: those whose render succeeded; `cache` renders
    the catalog's other Blueprints to name one that installs the kind, if any. Not for
    an entry whose Blueprint depends on one the kit lacks: BPP002 says what is missing,
    and the kind may be that Blueprint's."""
    sovereign = inputs.sovereign
    assert sovereign is not None
    if set(entries) != set(rendered) or len(entries) != len(sovereign.kit):
        return []  # an entry compile could not render (or resolve) may install anything
    manifest_kinds = _manifest_crds(inputs.kit_manifests)
    if manifest_kinds is None:
        return []
    declared, found = _declared(inputs)
    groups = _kubernetes_groups(inputs.workspace.kubernetes_version)

    def served(kind: KindKey) -> bool:
        group = kind[0]
        return (
            group in groups
            or group.endswith(FLUX_GROUPS)
            or kind in manifest_kinds
            or group in declared
            or f"{group}/{kind[1]}" in declared
        )

    found.extend(_version_findings(sovereign.doc, entries, unserved_versions(rendered, served)))
    unserved = unserved_kinds(rendered, served)
    installers = _catalog_installers(inputs, cache, set(entries)) if unserved else {}
    for name, objects in unserved.items():
        kit, entry = entries[name]
        if any(canonical(d.blueprint) not in entries for d in entry.blueprint.depends):
            continue
        described = tuple(f"{kind} {object_name} ({group})" for group, kind, object_name in objects)
        group, kind, _ = objects[0]
        installer = installers.get((group, kind)) or installers.get((group, ""))
        add = (
            f"add {installer}, which installs the {kind} CRD, to the bootstrap kit"
            if installer
            else "add the Blueprint that installs the CRD to the bootstrap kit"
        )
        found.append(
            report(
                RULE,
                f"bootstrap-kit entry {name} renders {listed(described)}, of a kind no kit "
                "release installs and the host clusters do not serve: Helm's install fails "
                "('no matches for kind ... ensure CRDs are installed first')",
                at(sovereign.doc, (*kit.path, "blueprint")),
                f"{add} and depend on it, or switch the resource off in the entry's "
                f"`values:`; if the host clusters are provisioned with it, list `{group}` "
                f"under lint.rules.{RULE}.options.served in blueprintc.yaml",
            )
        )
    return found


def _version_findings(
    doc: YamlDoc,
    entries: dict[str, tuple[KitEntry, CatalogEntry]],
    wrong: dict[str, list[tuple[str, str, str, str, tuple[str, ...]]]],
) -> list[Diagnostic]:
    """BPP034 at each entry that writes a custom resource at a version its kind's kit
    CRD does not serve (a version the upstream dropped: cert-manager's v1alpha2)."""
    found = []
    for name, objects in wrong.items():
        kit, _ = entries[name]
        described = tuple(
            f"{kind} {object_name} ({group}/{version})"
            for group, kind, object_name, version, _ in objects
        )
        group, kind, _, version, have = objects[0]
        found.append(
            report(
                RULE,
                f"bootstrap-kit entry {name} renders {listed(described)}, at a version the "
                f"kit's CRD of {kind} does not serve (it serves {', '.join(have)}): Helm's "
                f'install fails (\'no matches for kind "{kind}" in version '
                f'"{group}/{version}"\')',
                at(doc, (*kit.path, "blueprint")),
                f"write apiVersion: {group}/{have[-1]} in the chart (or set it in the entry's "
                f"`values:` if the chart takes it from there), or pin the release that "
                f"installs the CRD to a version that still serves {version}",
            )
        )
    return found


def _catalog_installers(
    inputs: Inputs, cache: RenderCache, kit: set[str]
) -> dict[tuple[str, str], str]:
    """The catalog's Blueprints outside the kit by the kinds their default render
    installs ((group, "") for a whole group), the first by name for each."""
    found: dict[tuple[str, str], str] = {}
    for name, entry in sorted(inputs.catalog.items()):
        facts = None if name in kit else cache.facts_for(entry, {})
        if facts is None or facts.error is not None:
            continue
        for key in [*facts.crds, *((group, "") for group in facts.crd_groups)]:
            found.setdefault(key, name)
    return found


def _kubernetes_groups(version: str) -> frozenset[str]:
    from blueprintc.validate.kubernetes import served_groups

    return served_groups(version)


def _manifest_crds(directories: list[ManifestDir]) -> frozenset[KindKey] | None:
    """The kinds of the CRDs in the kit's manifest directories; None when one builds
    from what compile cannot read (a remote or out-of-directory kustomize resource)."""
    kinds = set()
    for directory in directories:
        for path, documents in directory.files.items():
            for document in documents:
                if not isinstance(document, dict):
                    continue
                if path.rsplit("/", 1)[-1] == "kustomization.yaml" and _reads_elsewhere(document):
                    return None
                kind = crd_kind(document) if document.get("kind") == CRD_KIND else None
                if kind is not None:
                    kinds.add(kind)
    return frozenset(kinds)


def _reads_elsewhere(kustomization: dict[str, Any]) -> bool:
    resources = kustomization.get("resources")
    entries = resources if isinstance(resources, list) else []
    return any("://" in str(e) or str(e).startswith(("..", "/", "github.com/")) for e in entries)


def _declared(inputs: Inputs) -> tuple[frozenset[str], list[Diagnostic]]:
    """`options.served` of the rule's configuration, and a finding at it if it is not a
    list of API groups and `group/Kind`s."""
    workspace = inputs.workspace
    value = workspace.rule_config(RULE).options.get("served", [])
    if isinstance(value, list) and all(isinstance(v, str) and _SERVED.match(v) for v in value):
        return frozenset(value), []
    if workspace.doc is None:
        return frozenset(), []
    return frozenset(), [
        report(
            RULE,
            f"lint.rules.{RULE}.options.served must list API groups or group/Kind pairs",
            at(workspace.doc, OPTION),
            "write e.g. `served: [cilium.io, traefik.io/IngressRoute]`",
        )
    ]
