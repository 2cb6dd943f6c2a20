"""Overlay files keyed by Blueprint name (overlays/sovereigns/, overlays/environments/).

A key may name its Blueprint in either form (`bp-harbor:` or `harbor:`); both
in one file is ambiguous (BPP020, at the second key).
"""

from __future__ import annotations

from typing import Any

from blueprintc.blueprint_names import canonical, spellings
from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic
from blueprintc.plan.values import Layer
from blueprintc.yamldoc import YamlDoc


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
