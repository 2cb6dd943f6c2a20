"""`certainly_valid` says "valid" only where jsonschema finds no error, and says it for
the valid documents that lint sees."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from blueprintc.schemacheck import (
    DRAFT_2020_12_KEYWORDS,
    certainly_valid,
    certainly_valid_schema,
)
from blueprintc.schemas import (
    BLUEPRINT_SCHEMA,
    WORKSPACE_SCHEMA,
    flat_metaschema,
    load_schema,
    quick_valid,
    validator_for,
)

REPO = Path(__file__).resolve().parents[2]
BLUEPRINTS = sorted(REPO.glob("blueprints/*/blueprint.yaml")) + sorted(
    REPO.glob("tests/fixtures/**/blueprint.yaml")
)
ODD_VALUES: list[Any] = [None, True, 0, 1.5, float("nan"), "", "x" * 300, [], {}, [1, 1], {"a": 1}]


def _documents() -> list[Any]:
    found = []
    for path in BLUEPRINTS:
        try:
            found.append(yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            continue
    return found


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*path, index)))
    return found


def _mutants(document: Any, rng: random.Random, count: int) -> list[Any]:
    paths = [p for p in _paths(document) if p]
    mutants = []
    for _ in range(count if paths else 0):
        mutant = copy.deepcopy(document)
        *parent_path, last = rng.choice(paths)
        parent = mutant
        for part in parent_path:
            parent = parent[part]
        action = rng.randrange(3)
        if action == 0 and isinstance(parent, dict):
            del parent[last]
        elif action == 1 and isinstance(parent, dict):
            parent[f"{last}x"] = rng.choice(ODD_VALUES)
        else:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        mutants.append(mutant)
    return mutants


def _agrees(schema: dict[str, Any], instance: Any) -> None:
    """A quick "valid" only where jsonschema finds no error; and the walk on the raw
    schema (no validator built, `quick_valid`) says what the walk with one says."""
    validator = validator_for(schema)
    certain = certainly_valid(validator, instance)
    if certain:
        assert not list(validator.iter_errors(instance)), instance
    assert quick_valid(schema, instance) == certain, instance


def test_real_blueprints_take_the_quick_path() -> None:
    validator = validator_for(load_schema(BLUEPRINT_SCHEMA))
    valid = [d for d in _documents() if not list(validator.iter_errors(d))]
    assert valid
    assert all(certainly_valid(validator, d) for d in valid)


@pytest.mark.parametrize("seed", range(4))
def test_never_valid_where_jsonschema_finds_errors(seed: int) -> None:
    rng = random.Random(seed)
    schema = load_schema(BLUEPRINT_SCHEMA)
    for document in _documents():
        _agrees(schema, document)
        for mutant in _mutants(document, rng, 40):
            _agrees(schema, mutant)


def test_config_schemas_against_the_metaschema() -> None:
    rng = random.Random(7)
    meta = flat_metaschema()
    schemas = [
        d["spec"]["configSchema"]
        for d in _documents()
        if isinstance(d, dict) and isinstance(d.get("spec"), dict) and "configSchema" in d["spec"]
    ]
    assert schemas
    for schema in schemas:
        _agrees(meta, schema)
        for mutant in _mutants(schema, rng, 40):
            _agrees(meta, mutant)
    bad = [{"type": "text"}, {"pattern": "("}, {"minimum": "1"}, {"required": [1]}]
    for schema in bad:
        assert not certainly_valid(validator_for(meta), schema)


def test_workspace_schema() -> None:
    schema = load_schema(WORKSPACE_SCHEMA)
    workspace = yaml.safe_load((REPO / "blueprintc.yaml").read_text("utf-8"))
    assert certainly_valid(validator_for(schema), workspace)
    for mutant in _mutants(workspace, random.Random(3), 60):
        _agrees(schema, mutant)


def _emitted_objects() -> list[dict[str, Any]]:
    """One object of each (apiVersion, kind) the golden tree holds, and the platform
    fixture's kinds beside them (Namespace labels, manifest steps)."""
    by_kind: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted((REPO / "golden").rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text("utf-8")):
            if isinstance(document, dict) and document.get("kind"):
                by_kind.setdefault((document["apiVersion"], document["kind"]), document)
    return list(by_kind.values())


@pytest.mark.parametrize("seed", range(3))
def test_compile_validation_never_skips_a_finding(seed: int) -> None:
    """compile validates each emitted object with `certainly_valid` first (validate/
    objects.py): on the golden tree's kinds and their mutants, a quick "valid" is never
    given where jsonschema finds an error."""
    from blueprintc.validate.kubernetes import kind_schema
    from blueprintc.validate.objects import schema_validator

    rng = random.Random(seed)
    objects = _emitted_objects()
    assert len(objects) >= 10
    quick = 0
    for obj in objects:
        validator = schema_validator(obj["apiVersion"], obj["kind"])
        assert validator is not None
        core = kind_schema(obj["apiVersion"], obj["kind"], "1.32.0")
        quick += certainly_valid(validator, obj)
        for mutant in [obj, *_mutants(obj, rng, 60)]:
            certain = certainly_valid(validator, mutant)
            if certain:
                assert not list(validator.iter_errors(mutant)), mutant
            # The walk check_object makes before building a validator: the same verdict.
            if core is None:
                assert quick_valid(validator.schema, mutant) == certain, mutant
            else:  # kubernetes-validate's semantics: formats not asserted
                assert certainly_valid_schema(core.schema, mutant, None) == certain, mutant
    assert quick == len(objects)  # every golden kind takes the quick path


def test_the_keyword_set_is_jsonschemas() -> None:
    from jsonschema import Draft202012Validator

    assert set(Draft202012Validator.VALIDATORS) == DRAFT_2020_12_KEYWORDS


VALUES = ["a", "1", "", 1, 1.0, 2, 0, 0.0, -0.0, True, False, None, [1], [True], [], {}, {"a": 1}]


def test_equal_agrees_with_jsonschemas_on_scalars_lists_and_mappings() -> None:
    from jsonschema._utils import equal

    from blueprintc.schemacheck import _equal

    pairs = [(one, two) for one in VALUES for two in VALUES]
    assert [_equal(one, two) for one, two in pairs] == [bool(equal(a, b)) for a, b in pairs]
