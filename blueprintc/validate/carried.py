"""jsonschema-rs's `is_valid` as the quick "certainly valid" for the Flux and Catalyst
schemas blueprintc carries, past a process's first objects.

Why: a compile checks every Flux and Catalyst object it plans (10,050 at N = 100,
about 100,000 at N = 1000). The Python walk (`schemacheck`) checked N = 100's in
0.37 s, the same schemas compiled by jsonschema-rs in 0.04 s; `python -m
benchmarks.validate_objects` went from 21,063 to 236,768 HelmReleases a second. As
for core kinds (`kubernetes.compiled_check`), only its "valid" is trusted: an object
it refuses goes on to the Python walk and jsonschema, so every finding and message is
what it was.

`format` is asserted with the verdict the Python walk uses
(`formats.draft_2020_12_conforms`), for every format name the schema holds: a format
that function is not certain of fails here, which sends the object to jsonschema,
so jsonschema-rs's own format checks never decide. tests/validate/
test_carried_check.py holds both verdicts equal over the golden tree's Flux and
Catalyst objects and mutations of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blueprintc.formats import draft_2020_12_conforms
from blueprintc.schemas import is_draft_2020_12
from blueprintc.validate import kubernetes

Check = Callable[[Any], bool]

# id(schema) -> (schema, its check, or None when it cannot be compiled). Holding the
# schema keeps its id from being reused.
_checks: dict[int, tuple[dict[str, Any], Check | None]] = {}
_asked = 0


def carried_check(schema: dict[str, Any]) -> Check | None:
    """jsonschema-rs's `is_valid` for a carried draft 2020-12 `schema` (as
    `schemas.validator_for` reads its `$schema`), or None: for the first
    `kubernetes.COMPILE_AFTER_OBJECTS` objects of a process (a one-Blueprint lint never
    imports jsonschema-rs), and for a schema of another draft."""
    global _asked
    entry = _checks.get(id(schema))
    if entry is None:
        _asked += 1
        if _asked <= kubernetes.COMPILE_AFTER_OBJECTS:
            return None
        entry = _checks[id(schema)] = (schema, _compile(schema))
    return entry[1]


def _compile(schema: dict[str, Any]) -> Check | None:
    if not is_draft_2020_12(schema):
        return None
    import jsonschema_rs

    formats = {name: _conforms(name) for name in format_names(schema)}
    validator = jsonschema_rs.Draft202012Validator(schema, formats=formats, validate_formats=True)
    check: Check = validator.is_valid
    return check


def _conforms(name: str) -> Callable[[str], bool]:
    def conforms(value: str) -> bool:
        return draft_2020_12_conforms(name, value) is True

    return conforms


def format_names(schema: Any) -> set[str]:
    """Every string a `format` key holds anywhere in `schema` (a property that is
    itself named `format` holds a subschema, not a string)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = node.get("format")
            if isinstance(name, str):
                found.add(name)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
