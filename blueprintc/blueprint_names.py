"""One resolver for Blueprint names: `bp-x` and `x` are the same Blueprint.

CANON §7: real catalogs name Blueprints with or without the `bp-` prefix (the
naming rule warns); everything that names a Blueprint (the bootstrap kit,
`spec.depends`, Applications, overlays keyed by Blueprint name, `changed`)
compares the canonical form, `bp-<name>`, which is also the published
artifact's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

PREFIX = "bp-"

T = TypeVar("T")


def canonical(name: str) -> str:
    """`harbor` and `bp-harbor` both give `bp-harbor`; an empty name stays empty."""
    return name if not name or name.startswith(PREFIX) else PREFIX + name


def short(name: str) -> str:
    """The name without the prefix: `bp-harbor` and `harbor` give `harbor`."""
    return name.removeprefix(PREFIX)


def same(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)


def lookup(table: Mapping[str, T], name: str) -> T | None:
    """The value `table` (keyed by canonical names) holds for `name`, in either form."""
    return table.get(canonical(name))


def spellings(keys: Iterable[object], name: str) -> list[str]:
    """The keys of a mapping written by hand (an overlay file) that name `name`:
    more than one is an ambiguity the caller reports."""
    return [k for k in keys if isinstance(k, str) and same(k, name)]
