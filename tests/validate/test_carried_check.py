"""jsonschema-rs's verdict on the Flux and Catalyst objects blueprintc emits equals
jsonschema's (issue 11: a compiled validator only "if it gives the same verdicts,
shown by a differential test over the golden tree and mutated objects").

`carried_check` is trusted only when it says "valid", so the test that matters is that
it never says "valid" where jsonschema finds an error; both directions are held equal
here, on every Flux and Catalyst object of the golden tree (and minimal ones with a
`status`, whose fields carry the schemas' `date-time` formats), on the mistakes of
`mutations`, and on each string replaced by values that patterns and formats judge."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from blueprintc.validate import carried, kubernetes
from blueprintc.validate.carried import carried_check, format_names
from blueprintc.validate.objects import (
    DEFAULT_KUBERNETES_VERSION,
    _carried_schema,
    check_object,
    schema_validator,
)
from tests.validate.mutations import mutations
from tests.validate.objects_data import VALID

REPO = Path(__file__).resolve().parents[2]
CONDITION = {
    "type": "Ready",
    "status": "True",
    "reason": "Succeeded",
    "message": "ok",
    "lastTransitionTime": "2026-12-04T10:00:00Z",
}
# What a pattern, a length limit or a format may refuse, and what they accept.
STRINGS = (
    "",
    " ",
    "15m",
    "1h30m",
    "10ms",
    "text\n",  # see TRAILING_NEWLINE
    "Bad_Name",
    "-leading-dash",
    "a" * 300,
    "2026-12-04T10:00:00Z",
    "2026-12-04t10:00:00+01:00",
    "2026-13-45T99:00:00Z",
    "https://example.com/x",
    "oci://ghcr.io/openova-io/bp",
    "example.com",
    "ünïcode",
)

# The one known difference: a pattern ending in `$` accepts "text\n" in Python (`re.search`,
# as jsonschema applies it) and refuses it in jsonschema-rs. Only the safe direction:
# the compiled check refuses, so the object goes on to jsonschema, which decides.
TRAILING_NEWLINE = repr("text\n")


@pytest.fixture(autouse=True)
def _compile_from_the_first_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "COMPILE_AFTER_OBJECTS", -1)


def _schema(obj: dict[str, Any]) -> dict[str, Any] | None:
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    found = _carried_schema(api_version, kind, DEFAULT_KUBERNETES_VERSION)
    return found if isinstance(found, dict) else None


def _carried_objects() -> Iterator[tuple[str, dict[str, Any]]]:
    documents: list[tuple[str, Any]] = []
    for kind in ("HelmRelease", "Kustomization", "GitRepository", "OCIRepository"):
        if kind in VALID:
            with_status = copy.deepcopy(VALID[kind])
            with_status["status"] = {"conditions": [CONDITION], "observedGeneration": 2}
            documents.append((f"minimal {kind} with a status", with_status))
    for path in sorted((REPO / "golden").rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents.append((str(path.relative_to(REPO)), document))
    seen: set[str] = set()
    for where, document in documents:
        if not isinstance(document, dict) or _schema(document) is None:
            continue
        shape = yaml.safe_dump(document, sort_keys=True)
        if shape not in seen:  # the golden tree repeats objects word for word
            seen.add(shape)
            yield where, document


def _string_changes(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each string of the object (the first item of a list) replaced by each of STRINGS."""

    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, (*path, key))
        elif isinstance(node, list) and node:
            yield from walk(node[0], (*path, 0))
        elif isinstance(node, str):
            yield path

    for path in walk(obj, ()):
        if path[:1] in (("apiVersion",), ("kind",)):
            continue  # another kind's schema (or none) decides those
        for text in STRINGS:
            changed = copy.deepcopy(obj)
            parent = changed
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = text
            yield f"{'.'.join(map(str, path))} = {text[:20]!r}", changed


CASES = list(_carried_objects())


def test_the_corpus_has_the_carried_kinds_blueprintc_emits() -> None:
    kinds = {obj["kind"] for _, obj in CASES}
    assert {"HelmRelease", "Kustomization", "GitRepository", "Organization"} <= kinds


def test_the_corpus_reaches_the_formats_of_the_schemas() -> None:
    names = set().union(*(format_names(_schema(obj)) for _, obj in CASES))
    assert "date-time" in names


@pytest.mark.parametrize(("where", "obj"), CASES, ids=[f"{w}:{o['kind']}" for w, o in CASES])
def test_compiled_and_jsonschema_verdicts_agree(where: str, obj: dict[str, Any]) -> None:
    schema = _schema(obj)
    assert schema is not None
    compiled = carried_check(schema)
    assert compiled is not None
    validator = schema_validator(obj["apiVersion"], obj["kind"], DEFAULT_KUBERNETES_VERSION)
    assert validator is not None
    disagreements = []
    candidates = [("as written", obj), *mutations(obj), *_string_changes(obj)]
    for label, candidate in candidates:
        if not isinstance(candidate.get("apiVersion"), str) or candidate.get("kind") != obj["kind"]:
            continue
        expected = next(iter(validator.iter_errors(candidate)), None) is None
        if compiled(candidate) == expected:
            continue
        if expected and label.endswith(TRAILING_NEWLINE):
            continue  # Python's `$` matches before a final newline, Rust's does not
        disagreements.append(f"{label}: jsonschema {'valid' if expected else 'invalid'}")
    assert disagreements == []


def test_a_bad_date_time_is_found_by_the_compiled_check_and_reported_as_before() -> None:
    obj = copy.deepcopy(VALID["HelmRelease"])
    obj["status"] = {"conditions": [{**CONDITION, "lastTransitionTime": "yesterday"}]}
    schema = _schema(obj)
    assert schema is not None
    compiled = carried_check(schema)
    assert compiled is not None and compiled(obj) is False
    errors = check_object(obj)
    assert [e.path for e in errors] == ["status.conditions[0].lastTransitionTime"]
    assert "date-time" in errors[0].message


def test_a_process_compiles_only_past_the_first_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "COMPILE_AFTER_OBJECTS", 3)
    monkeypatch.setattr(carried, "_asked", 0)
    monkeypatch.setattr(carried, "_checks", {})
    schema = _schema(CASES[0][1])
    assert schema is not None
    assert [carried_check(schema) for _ in range(3)] == [None, None, None]
    assert carried_check(schema) is not None


def test_a_schema_of_another_draft_is_not_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(carried, "_checks", {})
    assert carried_check({"$schema": "http://json-schema.org/draft-07/schema#"}) is None
