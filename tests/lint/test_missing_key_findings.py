"""A key the schema requires is reported at the key of the mapping that lacks it (the
line a user adds it under), with the key, where and what its value may be: not at
the mapping's first child, with "add the missing key"."""

from __future__ import annotations

from pathlib import Path

from blueprintc.rules.schema.support import schema_findings
from blueprintc.schemas import BLUEPRINT_SCHEMA, load_schema
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml

BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1alpha1
kind: Blueprint
metadata:
  name: bp-webapp
spec:
  version: 1.0.0
  card:
    tagline: A web application.
    summary: Serves the shop.
"""


def _findings(text: str, schema: dict[str, object]) -> list[tuple[int, int, str, str]]:
    doc = load_yaml(SourceFile(Path("blueprint.yaml"), "blueprint.yaml", text))
    return [
        (f.location.line, f.location.column, f.message, f.hint or "")
        for f in schema_findings(doc, schema)
    ]


def test_a_missing_key_is_reported_at_the_mapping_that_lacks_it() -> None:
    found = _findings(BLUEPRINT, load_schema(BLUEPRINT_SCHEMA))
    assert (
        7,
        3,
        "spec.card: 'title' is a required property",
        "add `title:` under `spec.card` (a string)",
    ) in found


def test_the_value_a_missing_key_may_take_is_named_from_its_enum() -> None:
    schema = {
        "type": "object",
        "required": ["spec"],
        "properties": {
            "spec": {
                "type": "object",
                "required": ["tier"],
                "properties": {"tier": {"$ref": "#/$defs/tier"}},
            }
        },
        "$defs": {"tier": {"enum": ["gold", "silver"]}},
    }
    assert _findings("spec:\n  other: 1\n", schema) == [
        (
            1,
            1,
            "spec: 'tier' is a required property",
            "add `tier:` under `spec` (one of: gold, silver)",
        )
    ]


def test_a_key_missing_at_the_top_is_reported_at_the_document() -> None:
    schema = {"type": "object", "required": ["kind"], "properties": {"kind": {}}}
    assert _findings("# a comment\napiVersion: v1\n", schema) == [
        (2, 1, "the document: 'kind' is a required property", "add `kind:` at the top of the file")
    ]
