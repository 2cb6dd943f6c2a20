"""JSON bytes exactly as Go's `encoding/json.Marshal` writes them.

Cosign signs the bytes Go produces, and registries address blobs by the hash of
their bytes, so "the same JSON" is not enough: the bytes must match. Go writes
compact JSON with no trailing newline, keeps non-ASCII characters as UTF-8,
escapes `<`, `>`, `&`, U+2028 and U+2029 as `\\u....` (HTML safety), and
writes control characters as `\\b \\f \\n \\r \\t` or `\\u00xx`.

Struct fields come out in declaration order and map keys sorted. Python dicts
keep insertion order, so callers build struct-shaped dicts in Go's field order
and pass map-shaped dicts through `sorted_map`. Floats are refused: Go formats
them differently from Python, and nothing cosign writes needs them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Characters Go escapes that Python's json (with ensure_ascii=False) leaves raw.
# They can only occur inside string literals, so replacing them in the whole
# document is safe.
_GO_EXTRA_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def sorted_map(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return `mapping` with keys in the order Go writes a map (byte-wise sorted).

    UTF-8 byte order equals code point order, so Python's string sort matches.
    """
    return {key: mapping[key] for key in sorted(mapping)}


def dumps(value: Any) -> bytes:
    """Serialise `value` as Go's json.Marshal would, preserving dict order.

    Raises ValueError for floats and for strings that are not valid Unicode
    (lone surrogates), which Go could not have produced from valid input.
    """
    _reject_floats(value)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.translate(_GO_EXTRA_ESCAPES).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text contains invalid Unicode (a lone surrogate)") from None


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("floating-point values are not supported in Go-compatible JSON")
    if isinstance(value, Mapping):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)
