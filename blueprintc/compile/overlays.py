"""Overlay files keyed by Blueprint name (overlays/sovereigns/, overlays/environments/).

A key may name its Blueprint in either form (`bp-harbor:` or `harbor:`); both
in one file is ambiguous (BPP020, at the second key). Values no chart reads, under a
key or in a file named after nothing the workspace has, are BPP022's
(`unread_overlays`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc.blueprint_names import canonical, spellings
from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.plan.values import Layer
from blueprintc.yamldoc import YamlDoc

if TYPE_CHECKING:
    from blueprintc.compile.inputs import Inputs


def doc_layer(
    name: str, doc: YamlDoc, base: tuple[Any, ...], data: dict[str, Any] | None = None
) -> Layer:
    """The mapping at `base` of `doc` (or `data`, placed there) as a merge layer."""

    def locate(path: tuple[Any, ...], key: bool = False) -> tuple[int, int]:
        return doc.locate((*base, *path), key)

    value = data if data is not None else doc.get(base)
    return Layer(
        name=name,
        source=doc.source.rel,
        data=value if isinstance(value, dict) else {},
        locate=locate,
    )


def overlay_layer(name: str, doc: YamlDoc | None, blueprint: str) -> Layer | None:
    """The layer `doc` holds for `blueprint` (the first spelling), None without one."""
    if doc is None or not isinstance(doc.data, dict):
        return None
    keys = spellings(doc.data, blueprint)
    if not keys or not isinstance(doc.data[keys[0]], dict):
        return None
    return doc_layer(name, doc, (keys[0],))


def ambiguous_keys(doc: YamlDoc | None) -> list[Diagnostic]:
    """BPP020 for each key of an overlay file naming a Blueprint an earlier key names."""
    if doc is None or not isinstance(doc.data, dict):
        return []
    found = []
    seen: dict[str, str] = {}
    for key in doc.data:
        if not isinstance(key, str):
            continue
        first = seen.setdefault(canonical(key), key)
        if first != key:
            found.append(
                report(
                    "BPP020",
                    f"{doc.source.rel}: keys {first!r} and {key!r} name the same Blueprint",
                    at(doc, (key,), key=True),
                    hint=f"merge the values under one key ({canonical(key)}) and delete the other",
                )
            )
    return found


def unread_overlays(inputs: Inputs, overlays: Path | None) -> list[Diagnostic]:
    """BPP022 for overlay values no chart will read: a key naming no Blueprint (of the
    catalog, the lock or the kit), an environment overlay named after no env type, and
    a Sovereign overlay named after another Sovereign when this one has none (a
    misspelt `bp-webap:` or `omantell.yaml` dropped its values from every release,
    without a word)."""
    found = []
    known = set(inputs.catalog)
    if inputs.lock is not None:
        known |= {canonical(entry.blueprint) for entry in inputs.lock.entries.values()}
    for doc in (inputs.sovereign_overlay, *inputs.env_overlays.values()):
        if doc is not None and isinstance(doc.data, dict) and known:
            found += _unknown_keys(doc, known, inputs.catalog)
    env_types = inputs.workspace.canon.env_types
    for env_type, doc in inputs.env_overlays.items():
        if env_type not in env_types:
            found.append(_unread_file(doc, "an env type", env_type, list(env_types)))
    if overlays is not None and inputs.sovereign is not None and inputs.sovereign_overlay is None:
        name = inputs.sovereign.name
        for path in sorted((overlays / "sovereigns").glob("*.yaml")):
            if difflib.get_close_matches(path.stem, [name], 1):
                where = Location(inputs.workspace.rel(path), 1, 1)
                found.append(_unread(where, "a Sovereign", path.stem, [name]))
    return found


def _unknown_keys(doc: YamlDoc, known: set[str], catalog: Mapping[str, Any]) -> list[Diagnostic]:
    from blueprintc.compile.apps import catalog_hint  # which imports this module

    return [
        report(
            "BPP022",
            f"{doc.source.rel} sets values for {key}, which names no Blueprint of the "
            "catalog: they reach no chart",
            at(doc, (key,), key=True),
            hint=catalog_hint(key, catalog),
        )
        for key in doc.data
        if isinstance(key, str) and canonical(key) not in known
    ]


def _unread_file(doc: YamlDoc, what: str, name: str, names: list[str]) -> Diagnostic:
    return _unread(Location(doc.source.rel, 1, 1), what, name, names)


def _unread(where: Location, what: str, name: str, names: list[str]) -> Diagnostic:
    close = difflib.get_close_matches(name, names, 1)
    hint = f"rename it to {close[0]}.yaml" if close else f"name it after one of: {', '.join(names)}"
    return report(
        "BPP022",
        f"{where.file} is named after {name}, which is not {what} of this workspace "
        f"({', '.join(names)}): its values reach no chart",
        where,
        hint=hint,
    )
