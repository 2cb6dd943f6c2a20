"""Checks across the bootstrap kit's entries: software installed twice (BPP024), and
install order against the CRDs the releases install and use (BPG009, BPP027)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from blueprintc.blueprint_names import canonical, lookup
from blueprintc.compile.crd_order import crd_problems, own_crd_hint, own_crd_message
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.render_check import RenderFacts
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.sovereign import KitEntry, Sovereign

# How close (difflib's ratio) a name the catalog lacks must be to a Blueprint to be
# taken for its misspelling: bp-cert-manger/bp-cert-manager is 0.97,
# bp-postgres/bp-postgres-shared 0.76.
MISSPELT = 0.85


def misspells(name: str, target: str, catalog: Mapping[str, Any]) -> bool:
    """Whether `name`, which no Blueprint of the catalog has, is most likely `target`
    misspelt (its own finding then says "did you mean"; what follows from it is not
    reported again)."""
    if lookup(catalog, name) is not None:
        return False
    return difflib.SequenceMatcher(None, canonical(name), target).ratio() >= MISSPELT


def vendored_twice(
    sovereign: Sovereign, entries: dict[str, tuple[KitEntry, CatalogEntry]]
) -> list[Diagnostic]:
    """BPP024 for a kit Blueprint whose chart vendors, as a subchart, the software
    another kit Blueprint installs: `bp-x` itself, or `x`, the upstream `bp-x` wraps
    (by the catalog's naming). Both install it, at two versions. Library subcharts
    (`common`) name no kit Blueprint and are never reported."""
    installs: dict[str, tuple[str, str]] = {}  # chart name -> (kit Blueprint, version)
    for name, (_, entry) in entries.items():
        bare = name.removeprefix("bp-")
        installs[name] = (name, entry.version)
        for subchart, version in entry.subcharts:
            if subchart == bare:
                installs[bare] = (name, version)
    found = []
    for name, (kit, entry) in sorted(entries.items()):
        for subchart, version in entry.subcharts:
            owner = installs.get(subchart)
            if owner is None or owner[0] == name:
                continue
            found.append(
                report(
                    "BPP024",
                    f"bootstrap-kit entry {name} vendors {subchart} {version} as a subchart, "
                    f"which kit entry {owner[0]} installs ({subchart} {owner[1]}): the same "
                    "software twice, at two versions",
                    at(sovereign.doc, (*kit.path, "blueprint")),
                    f"drop the {subchart} subchart from {name}'s chart and depend on "
                    f"{owner[0]} in its blueprint.yaml, or drop one of the two kit entries",
                )
            )
    return found


def crd_findings(
    sovereign: Sovereign,
    entries: dict[str, tuple[KitEntry, CatalogEntry]],
    facts: dict[str, RenderFacts],
    depends: dict[str, list[str]],
    catalog: Mapping[str, Any],
) -> list[Diagnostic]:
    """BPG009 and BPP027 for the kit's releases (see `crd_order`), at each entry; not
    BPP027 for a release whose Blueprint depends on a misspelling of the installer (its
    BPP002 names the installer)."""
    found = []
    for problem in crd_problems(facts, depends):
        kit, entry = entries[problem.release]
        where = at(sovereign.doc, (*kit.path, "blueprint"))
        subject = f"bootstrap-kit entry {problem.release}"
        if problem.installer is None:
            hint = own_crd_hint(problem, "the kit entry's `values:`")
            found.append(report("BPG009", own_crd_message(subject, problem), where, hint))
            continue
        owner = problem.installer
        if any(misspells(dep.blueprint, owner, catalog) for dep in entry.blueprint.depends):
            continue
        found.append(
            report(
                "BPP027",
                f"{subject} renders {problem.listed}, whose CRD kit entry {owner} "
                f"installs, but does not depend on {owner}",
                where,
                f"add `dependsOn: [{owner}]` to the {problem.release} kit entry, or depend "
                f"on {owner} in {problem.release}'s blueprint.yaml",
            )
        )
    return found
