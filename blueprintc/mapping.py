"""Plain-data helpers shared by the canon loader and the compiler."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`: mappings merge recursively, everything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def value_at(data: Any, path: Sequence[str | int], default: Any = None) -> Any:
    """The value at `path` (mapping keys and list indexes) in plain data, or `default`."""
    node = data
    for part in path:
        in_list = isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)
        in_map = isinstance(part, str) and isinstance(node, dict) and part in node
        if not (in_list or in_map):
            return default
        node = node[part]
    return node


def scalars(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value of plain data that is neither a mapping nor a list, by its path
    (mapping keys and list indexes), in order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from scalars(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from scalars(item, (*path, index))
    else:
        yield path, data
