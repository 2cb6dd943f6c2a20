"""Layered value merge with provenance, the way Helm merges values.

Layers come lowest first (DESIGN.md "Inputs"): chart defaults < Blueprint size
overlay < Sovereign overlay < Environment overlay < Application config.

- Later layers win. Mappings merge key by key at every depth; lists and
  scalars replace what was below, as Helm does (lists are never merged). A
  mapping over a scalar or list replaces it, and the other way round.
- `null` in a layer after the first deletes the key and all that lower layers
  put under it (Helm's "deleting a default key"); a null over nothing deletes
  nothing, so no null from an overlay reaches the result. Nulls in the first
  layer (the chart's own values.yaml) stay, as Helm keeps them.
  `merge(..., keep_nulls=True)` keeps every null instead: use it when the
  result is handed to Helm as user values on top of the chart's defaults, so
  that Helm itself deletes the default (a deleted key would just come back).

Speed: only the mappings on paths a later layer touches are copied; the rest
of `Merged.value` is shared with the layers, so treat it as read-only.
Provenance is not recorded while merging; `explain` walks the layers on demand.

Dotted keys: `a.b.c`. A part holding `.`, `"` or `\\` is written in double
quotes, with `\\"` and `\\\\` inside: `podAnnotations."prometheus.io/scrape"`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from blueprintc.yamldoc import PathKey

Locate = Callable[[PathKey, bool], tuple[int, int]]  # (path, key): position of value or key
_SPECIAL = (".", '"', "\\")
_INTEGER = re.compile(r"-?[0-9]+")


class KeySyntaxError(ValueError):
    """A dotted key that does not parse."""


@dataclass(frozen=True)
class Layer:
    name: str  # e.g. "chart defaults", "size overlay (large)", "application config"
    source: str  # workspace-relative file
    data: Mapping[Any, Any] | None
    locate: Locate | None = None  # position of the value (or key) at a path of `data`


@dataclass(frozen=True)
class Origin:
    layer: str
    source: str
    line: int | None  # None when the layer has no positions
    column: int | None
    value: Any
    key: str  # the key this layer sets: the one asked for, or an ancestor it replaced


@dataclass(frozen=True)
class Merged:
    value: dict[Any, Any]
    layers: tuple[Layer, ...]

    def explain(self, key: str | Sequence[str | int], at_key: bool = False) -> list[Origin]:
        """Every layer's say on `key`, the deciding one first, then each one it overrode;
        each at its value, or with `at_key` at the key that sets it.

        A layer has a say when it sets `key`, or sets an ancestor of `key` to a
        scalar, list or null (replacing or deleting the subtree). A layer whose
        ancestor is a mapping without the next part has no say.
        """
        path = parse_key(key) if isinstance(key, str) else tuple(key)
        origins = []
        for layer in reversed(self.layers):
            hit = _find(layer.data, path)
            if hit is None:
                continue
            where, value = hit
            line, column = layer.locate(where, at_key) if layer.locate else (None, None)
            origins.append(Origin(layer.name, layer.source, line, column, value, format_key(where)))
        return origins


def merge(layers: Sequence[Layer], keep_nulls: bool = False) -> Merged:
    result: dict[Any, Any] = {}
    for index, layer in enumerate(layers):
        data = {} if layer.data is None else layer.data
        if not isinstance(data, Mapping):
            raise TypeError(
                f"layer {layer.name!r} ({layer.source}): values must be a mapping, "
                f"not {type(data).__name__}"
            )
        result = dict(data) if index == 0 else _overlay(result, data, keep_nulls)
    return Merged(result, tuple(layers))


def _overlay(
    lower: Mapping[Any, Any], upper: Mapping[Any, Any], keep_nulls: bool
) -> dict[Any, Any]:
    out = dict(lower)
    for key, value in upper.items():
        if value is None and not keep_nulls:
            out.pop(key, None)
        elif isinstance(value, Mapping):
            below = out.get(key)
            if isinstance(below, Mapping):
                out[key] = _overlay(below, value, keep_nulls)
            else:
                out[key] = value if keep_nulls else _without_nulls(value)
        else:
            out[key] = value
    return out


def _without_nulls(data: Mapping[Any, Any]) -> dict[Any, Any]:
    return {
        key: _without_nulls(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
        if value is not None
    }


def _find(data: Any, path: Sequence[str | int]) -> tuple[PathKey, Any] | None:
    """The value at `path`, or the scalar/list/null ancestor that stands in for it."""
    if not isinstance(data, Mapping):
        return None
    node: Any = data
    walked: PathKey = ()
    for part in path:
        if not isinstance(node, Mapping):
            return walked, node
        actual = _actual_key(node, part)
        if actual is None:
            return None
        walked = (*walked, actual)
        node = node[actual]
    return walked, node


def _actual_key(node: Mapping[Any, Any], part: str | int) -> str | int | None:
    """YAML keys may be ints (`1: x`); a dotted key only has text."""
    if part in node:
        return part
    other: str | int | None = None
    if isinstance(part, int):
        other = str(part)
    elif _INTEGER.fullmatch(part):
        other = int(part)
    return other if other is not None and other in node else None


def parse_key(text: str) -> tuple[str, ...]:
    """`a."b.c".d` -> ("a", "b.c", "d")."""
    parts: list[str] = []
    i, n = 0, len(text)
    while True:
        if text.startswith('"', i):
            chars: list[str] = []
            j = i + 1
            while j < n and text[j] != '"':
                j += text[j] == "\\" and j + 1 < n
                chars.append(text[j])
                j += 1
            if j >= n:
                raise KeySyntaxError(f"key {text!r}: the quote at column {i + 1} is not closed")
            parts.append("".join(chars))
            i = j + 1
            if i < n and text[i] != ".":
                raise KeySyntaxError(f"key {text!r}: expected '.' at column {i + 1}")
        else:
            j = text.find(".", i)
            j = n if j < 0 else j
            if j == i:
                raise KeySyntaxError(f"key {text!r}: empty part at column {i + 1}")
            if '"' in text[i:j]:
                where = text.index('"', i) + 1
                raise KeySyntaxError(
                    f"key {text!r}: a quote may only open a part (column {where}); "
                    'quote the whole part: a."b.c"'
                )
            parts.append(text[i:j])
            i = j
        if i >= n:
            return tuple(parts)
        i += 1
        if i == n:
            raise KeySyntaxError(f"key {text!r}: empty part at column {i + 1}")


def format_key(path: Sequence[str | int]) -> str:
    """The inverse of `parse_key`."""
    return ".".join(_format_part(str(part)) for part in path)


def _format_part(part: str) -> str:
    if part and not any(char in part for char in _SPECIAL):
        return part
    return '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
