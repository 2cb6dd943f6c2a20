"""Whether `schemacheck` may walk a schema: every `$ref` in it must be a local JSON
pointer, so no subschema may set its own base URI or anchors (`$id`, `$anchor`,
`$dynamicAnchor`). Worked out once per long-lived schema, by identity."""

from __future__ import annotations

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
