"""The flattened 2020-12 metaschema gives the official metaschema's verdicts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from blueprintc.schemas import flat_metaschema

OFFICIAL = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
FLAT = Draft202012Validator(flat_metaschema(), format_checker=Draft202012Validator.FORMAT_CHECKER)

CASES: list[Any] = [
    {"type": "object", "properties": {"a": {"type": "integer", "minimum": 1, "default": 2}}},
    {"type": "text"},
    {"type": "string", "pattern": "(unclosed"},
    {"properties": {"a": {"enum": "not-a-list"}}},
    {"oneOf": [{"const": 1}, {"type": ["string", "nonsense"]}]},
    {"items": {"minItems": -1}},
    {"$defs": {"x": {"required": [1, 2]}}, "x-catalyst-ui-hint": {"widget": "tabs"}},
    {"additionalProperties": {"maxLength": "3"}},
    True,
    "not a schema",
    {"$id": 5, "$schema": 7, "$anchor": "no spaces allowed"},
    {"$id": "urn:example:x", "$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/a"},
    {"$vocabulary": {"urn:x": "yes"}, "$dynamicAnchor": 3},
]


def _verdict(validator: Draft202012Validator, schema: Any) -> set[tuple[str, str]]:
    return {(e.json_path, e.message) for e in validator.iter_errors(schema)}


@pytest.mark.parametrize("schema", CASES)
def test_same_verdict_as_the_official_metaschema(schema: Any) -> None:
    assert _verdict(FLAT, schema) == _verdict(OFFICIAL, schema)


KEYWORDS = st.sampled_from(
    ["type", "minimum", "maxLength", "enum", "items", "properties", "required", "pattern"]
)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["string", "object", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYWORDS, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYWORDS, VALUES, max_size=4))
def test_same_validity_on_random_schemas(schema: dict[str, Any]) -> None:
    assert FLAT.is_valid(schema) == OFFICIAL.is_valid(schema)
