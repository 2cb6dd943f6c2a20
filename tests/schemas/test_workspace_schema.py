"""workspace.schema.json: the blueprintc.yaml at a workspace root."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from blueprintc.schemas import WORKSPACE_SCHEMA, load_schema, validator_for

EXAMPLE = """\
# yaml-language-server: $schema=schemas/workspace.schema.json
apiVersion: blueprintc.openova.io/v1alpha1
kind: Workspace
blueprints: [blueprints]
canon: canon.yaml
lint:
  failOn: error
  rules:
    BPN001: off
    BPT002: {severity: warning, ignore: ["blueprints/legacy/**"]}
"""


def paths(doc: Any) -> list[str]:
    validator = validator_for(load_schema(WORKSPACE_SCHEMA))
    return sorted({e.json_path for e in validator.iter_errors(doc)})


def test_documented_example_validates_with_yaml_1_1_and_1_2_readings() -> None:
    doc = yaml.safe_load(EXAMPLE)
    assert doc["lint"]["rules"]["BPN001"] is False  # PyYAML reads YAML 1.1: off -> false
    assert paths(doc) == []
    doc["lint"]["rules"]["BPN001"] = "off"  # YAML 1.2 readers (ruamel.yaml) keep the string
    assert paths(doc) == []


def test_minimal_workspace_validates() -> None:
    assert paths({"apiVersion": "blueprintc.openova.io/v1alpha1", "kind": "Workspace"}) == []


def broken(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(yaml.safe_load(EXAMPLE))
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[key]
    node[last] = value
    return doc


INVALID = {
    "kind": (broken("kind", "Blueprint"), "$.kind"),
    "apiVersion": (broken("apiVersion", "blueprintc.openova.io/v1"), "$.apiVersion"),
    "unknown top-level key": (broken("output", "out"), "$"),
    "blueprints a string": (broken("blueprints", "blueprints"), "$.blueprints"),
    "blueprints absolute": (broken("blueprints", ["/srv/blueprints"]), "$.blueprints[0]"),
    "canon outside": (broken("canon", "../canon.yaml"), "$.canon"),
    "failOn": (broken("lint.failOn", "critical"), "$.lint.failOn"),
    "rule id": (broken("lint.rules.bpn001", "off"), "$.lint.rules"),
    "severity": (broken("lint.rules.BPN001", "fatal"), "$.lint.rules.BPN001"),
    "severity true": (broken("lint.rules.BPN001", True), "$.lint.rules.BPN001"),
    "rule config key": (broken("lint.rules.BPT002", {"level": "info"}), "$.lint.rules.BPT002"),
    "ignore a string": (
        broken("lint.rules.BPT002", {"ignore": "legacy/**"}),
        "$.lint.rules.BPT002.ignore",
    ),
}


@pytest.mark.parametrize(("doc", "path"), INVALID.values(), ids=list(INVALID))
def test_broken_workspaces_fail_at_their_path(doc: dict[str, Any], path: str) -> None:
    assert paths(doc) == [path]


def test_relative_path_rule_is_the_same_as_in_blueprint_schema() -> None:
    """The two schemas each carry the definition (editors resolve no cross-file $ref)."""
    workspace = load_schema(WORKSPACE_SCHEMA)["$defs"]["relativePath"]["pattern"]
    assert workspace == load_schema("blueprint.schema.json")["$defs"]["relativePath"]["pattern"]
