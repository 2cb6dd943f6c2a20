"""Nested ids in shared definitions: read off their JSON text where it shows none,
walked otherwise (`schemawalk.note_definitions_text`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from blueprintc import schemawalk
from blueprintc.validate import kubernetes


@pytest.fixture
def noted() -> Iterator[list[dict[str, Any]]]:
    """Definitions a test notes, forgotten again afterwards (the record is process-wide)."""
    made: list[dict[str, Any]] = []
    yield made
    for definitions in made:
        schemawalk._definitions_seen.pop(id(definitions), None)


def _note(text: str, made: list[dict[str, Any]]) -> bool | None:
    """What the text alone told the walk about the file's `$defs`: False (no nested id),
    or None (nothing: left to the walk)."""
    data = json.loads(text)
    definitions = data["$defs"]
    made.append(definitions)
    schemawalk.note_definitions_text(definitions, text.encode(), ids_outside=int("$id" in data))
    entry = schemawalk._definitions_seen.get(id(definitions))
    return None if entry is None else entry[1]


def _walked(text: str) -> bool:
    definitions = json.loads(text)["$defs"]
    return any(schemawalk._nested_ids(child) for child in definitions.values())


def test_the_carried_kubernetes_definitions_are_known_free_of_ids_without_a_walk() -> None:
    schema_set = kubernetes.schema_set_for("1.32.0")
    definitions = kubernetes._definitions_file(schema_set)["$defs"]
    assert schemawalk._definitions_seen[id(definitions)] == (definitions, False)
    assert not any(schemawalk._nested_ids(child) for child in definitions.values())


@pytest.mark.parametrize("top_level_id", [True, False])
def test_definitions_whose_text_shows_no_nested_id_are_noted_as_such(
    top_level_id: bool, noted: list[dict[str, Any]]
) -> None:
    top = '"$id": "https://example.com/defs.json", ' if top_level_id else ""
    text = (
        "{" + top + '"$defs": {"a": {"type": "object", "properties": '
        '{"b": {"$ref": "#/$defs/c", "description": "an \\u003cid\\u003e"}}}, '
        '"c": {"type": "string"}}}'
    )
    assert _note(text, noted) is False
    assert _walked(text) is False


@pytest.mark.parametrize(
    "definitions",
    [
        '{"a": {"$id": "https://example.com/a.json"}}',
        '{"a": {"properties": {"b": {"$anchor": "b"}}}}',
        '{"a": {"items": {"$dynamicAnchor": "node"}}}',
        '{"a": {"\\u0024id": "https://example.com/a.json"}}',  # `$` escaped
        '{"a": {"$\\u0069d": "https://example.com/a.json"}}',  # a letter escaped
        '{"a": {"enum": ["$id"]}}',  # the name as data: the walk says no id
        '{"a": {"default": {"$id": "x"}}}',  # a key inside data: the walk skips it
    ],
)
def test_any_doubt_in_the_text_leaves_the_definitions_to_the_walk(
    definitions: str, noted: list[dict[str, Any]]
) -> None:
    text = '{"$id": "https://example.com/defs.json", "$defs": ' + definitions + "}"
    assert _note(text, noted) is None


@pytest.mark.parametrize(
    "definitions",
    [
        '{"a": {"$id": "https://example.com/a.json"}}',
        '{"a": {"\\u0024id": "https://example.com/a.json"}}',
        '{"a": {"$\\u0069d": "https://example.com/a.json"}}',
    ],
)
def test_the_walk_still_finds_what_the_text_left_to_it(
    definitions: str, noted: list[dict[str, Any]]
) -> None:
    text = '{"$defs": ' + definitions + "}"
    assert _note(text, noted) is None
    assert schemawalk._definitions_have_ids(noted[0]) is True
