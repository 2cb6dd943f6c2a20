"""What a bootstrap-kit entry says beyond its Blueprint: values over the Sovereign
overlay, Flux's install and upgrade settings, its slot, and its target Namespace."""

from __future__ import annotations

from typing import Any

from blueprintc.compile import flux, names
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import CatalogEntry, Inputs
from blueprintc.compile.overlays import doc_layer, overlay_layer
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.sovereign import KitEntry, Sovereign
from blueprintc.plan.graph import levels
from blueprintc.plan.values import Merged, merge


def kit_values(inputs: Inputs, kit: KitEntry, name: str) -> dict[str, Any]:
    """The release's values: the Sovereign overlay's for the Blueprint, under the kit
    entry's own `values` (the more specific)."""
    if overlay_layer("Sovereign overlay", inputs.sovereign_overlay, name) is None:
        return kit.values
    return kit_layers(inputs, kit, name).value


def kit_layers(inputs: Inputs, kit: KitEntry, name: str) -> Merged:
    """`kit_values` with the layers it comes from, each able to say where it sets a value."""
    sovereign = inputs.sovereign
    assert sovereign is not None
    own = doc_layer("bootstrap-kit values", sovereign.doc, (*kit.path, "values"), kit.values)
    overlay = overlay_layer("Sovereign overlay", inputs.sovereign_overlay, name)
    return merge([own] if overlay is None else [overlay, own])


def install_settings(kit: KitEntry) -> dict[str, Any]:
    """Flux's install defaults, with the target namespace created, then the entry's."""
    install = {"createNamespace": True, **kit.install}
    if not kit.wait:
        install.setdefault("disableWait", True)
    return install


def upgrade_settings(kit: KitEntry) -> dict[str, Any]:
    upgrade = dict(kit.upgrade)
    if not kit.wait:
        upgrade.setdefault("disableWait", True)
    return upgrade


def slots(
    sovereign: Sovereign,
    entries: dict[str, tuple[KitEntry, CatalogEntry]],
    order: list[str],
    depends: dict[str, list[str]],
    found: list[Diagnostic],
) -> dict[str, int]:
    """Each entry's slot: its own `slot`, else its depth (one above its dependencies').
    An explicit slot not above every dependency's is BPP025 (its depth is used)."""
    fixed = {name: kit.slot for name, (kit, _) in entries.items() if kit.slot is not None}
    slot_of = levels(order, depends, fixed)
    refused = set()
    for name, slot in fixed.items():
        below = {d: slot_of[d] for d in depends.get(name, []) if slot_of[d] >= slot}
        if not below:
            continue
        dependency = max(below, key=lambda d: (below[d], d))
        kit = entries[name][0]
        found.append(
            report(
                "BPP025",
                f"bootstrap-kit entry {name} has slot {slot}, but it depends on {dependency} "
                f"in slot {below[dependency]}",
                at(sovereign.doc, (*kit.path, "slot")),
                f"set a slot above {below[dependency]}, or drop `slot` to take the "
                "entry's depth in the dependency graph",
            )
        )
        refused.add(name)
    if not refused:
        return slot_of
    return levels(order, depends, {n: s for n, s in fixed.items() if n not in refused})


def kit_namespaces(
    sovereign: Sovereign, kits: list[KitEntry], found: list[Diagnostic]
) -> list[dict[str, Any]]:
    """One Namespace per target namespace whose entries give labels or annotations
    (entries sharing a namespace share the object: kustomize refuses two). Two values
    for one key is BPP026, at the second entry's key."""
    merged: dict[str, tuple[dict[str, str], dict[str, str], KitEntry]] = {}
    for kit in kits:
        if not kit.namespace_labels and not kit.namespace_annotations:
            continue
        labels, annotations, first = merged.setdefault(kit.target_namespace, ({}, {}, kit))
        for what, mine, theirs in (
            ("labels", kit.namespace_labels, labels),
            ("annotations", kit.namespace_annotations, annotations),
        ):
            for key, value in mine.items():
                if theirs.setdefault(key, value) != value:
                    found.append(
                        report(
                            "BPP026",
                            f"namespace {kit.target_namespace}: {what} {key} is "
                            f"{theirs[key]!r} for {first.blueprint} but {value!r} for "
                            f"{kit.blueprint}",
                            at(sovereign.doc, (*kit.path, "namespace", what, key)),
                            "give the namespace one value: both entries install into it",
                        )
                    )
    base = names.labels(sovereign=sovereign.name)
    return [
        flux.namespace(name, {**base, **labels}, dict(sorted(annotations.items())) or None)
        for name, (labels, annotations, _) in sorted(merged.items())
    ]
