"""validate_config_schema: a Blueprint's configSchema must itself be a draft 2020-12 schema."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.schemas import validate_config_schema


def test_extensions_and_documented_features_are_accepted() -> None:
    schema = {
        "type": "object",
        "required": ["domain"],
        "properties": {
            "domain": {
                "type": "string",
                "format": "hostname",
                "x-catalyst-ui-hint": "domain-picker",
            },
            "password": {"type": "string", "x-catalyst-ui-hint": "password"},
            "replicas": {"type": "integer", "default": 2, "minimum": 1, "maximum": 20},
            "postgres": {
                "type": "object",
                "oneOf": [
                    {"properties": {"mode": {"const": "embedded"}}},
                    {
                        "properties": {
                            "mode": {"const": "external"},
                            "ref": {
                                "type": "string",
                                "x-catalyst-ui-hint": "application-ref",
                                "x-catalyst-ui-filter": {"blueprint": "bp-postgres"},
                            },
                        }
                    },
                ],
            },
        },
    }
    assert validate_config_schema(schema) == []


INVALID: dict[str, tuple[Any, list[str]]] = {
    "unknown type": ({"type": "strng"}, ["$.type"]),
    "minimum not a number": ({"properties": {"n": {"minimum": "1"}}}, ["$.properties.n.minimum"]),
    "pattern not a regex": ({"properties": {"s": {"pattern": "("}}}, ["$.properties.s.pattern"]),
    "required not a list": ({"required": "domain"}, ["$.required"]),
    "two errors, sorted": (
        {"properties": {"b": {"type": 3}, "a": {"maxLength": -1}}},
        ["$.properties.a.maxLength", "$.properties.b.type"],
    ),
    "not a schema at all": ("object", ["$"]),
}


@pytest.mark.parametrize(("schema", "expected"), INVALID.values(), ids=list(INVALID))
def test_invalid_config_schemas_are_reported_at_their_path(
    schema: Any, expected: list[str]
) -> None:
    assert [e.json_path for e in validate_config_schema(schema)] == expected
