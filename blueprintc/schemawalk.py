"""Whether `schemacheck` may walk a schema: every `$ref` in it must be a local JSON
pointer, so no subschema may set its own base URI or anchors (`$id`, `$anchor`,
`$dynamicAnchor`). Worked out once per long-lived schema, by identity."""

from __future__ import annotations

import re
from typing import Any

_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_DATA = frozenset({"enum", "const", "default", "examples"})
_DEFINITIONS = frozenset({"$defs", "definitions"})


# id(schema) -> (schema, walkable). Holding the schema keeps its id from being reused.
_walkable_schemas: dict[int, tuple[Any, bool]] = {}


def walkable(schema: Any) -> bool:
    entry = _walkable_schemas.get(id(schema))
    if entry is None:
        entry = (schema, is_walkable(schema))
        _walkable_schemas[id(schema)] = entry
    return entry[1]


def is_walkable(schema: Any, remember: bool = True) -> bool:
    return isinstance(schema, dict) and not _nested_ids(schema, top=True, remember=remember)


def _nested_ids(node: Any, top: bool = False, remember: bool = True) -> bool:
    """A subschema that sets its own base URI or anchors: `$ref`s would not be local.
    `remember`: definitions are remembered by identity (long-lived schemas only)."""
    if isinstance(node, list):
        return any(_nested_ids(item, remember=remember) for item in node)
    if not isinstance(node, dict):
        return False
    if not top and any(k in node for k in ("$id", "$anchor", "$dynamicAnchor")):
        return True
    for key, value in node.items():
        if key in _DATA:
            continue
        if key in _DEFINITIONS and isinstance(value, dict) and remember:
            if _definitions_have_ids(value):
                return True
            continue
        children = value.values() if key in _NAMED and isinstance(value, dict) else [value]
        if any(_nested_ids(child, remember=remember) for child in children):
            return True
    return False


# id(definitions) -> (definitions, any nested id). Every Kubernetes kind's schema holds
# the same `$defs` (the version's 600-odd definitions, blueprintc.validate.kubernetes):
# walked once, not once per kind (~15 ms each, paid by a one-Blueprint lint).
_definitions_seen: dict[int, tuple[Any, bool]] = {}


def _definitions_have_ids(definitions: dict[str, Any]) -> bool:
    entry = _definitions_seen.get(id(definitions))
    if entry is None:
        found = any(_nested_ids(child) for child in definitions.values())
        entry = (definitions, found)
        _definitions_seen[id(definitions)] = entry
    return entry[1]


# In a JSON text that escapes no `$` and no ASCII letter, a key `$id` is spelled `"$id"`.
_ID_KEY = re.compile(rb'\$(?:id|anchor|dynamicAnchor)"')  # a literal `$` first: fast
_ESCAPED_NAME_CHARACTER = re.compile(rb"\\u00(?:24|[46][1-9a-fA-F]|[57][0-9aA])")


def note_definitions_text(definitions: dict[str, Any], text: bytes, ids_outside: int) -> None:
    """Record that `definitions` hold no nested `$id`, `$anchor` or `$dynamicAnchor` when
    the JSON `text` they were parsed from shows it: no such name in it but the
    `ids_outside` top-level `$id`s, and no letter or `$` escaped (so none hides). Two
    passes over the text (about 3 ms for Kubernetes 1.32's 1.3 MB of definitions) spare
    their walk (about 20 ms, paid by every one-Blueprint lint). Any doubt (such a name
    as data, an escape) leaves them to the walk, which decides as before."""
    if _ID_KEY.findall(text) != [b'$id"'] * ids_outside:
        return
    if _ESCAPED_NAME_CHARACTER.search(text) is None and id(definitions) not in _definitions_seen:
        _definitions_seen[id(definitions)] = (definitions, False)
