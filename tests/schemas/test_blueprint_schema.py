"""blueprint.schema.json: every real shape validates, each broken document fails at its path."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from blueprintc.schemas import (
    BLUEPRINT_SCHEMA,
    WORKSPACE_SCHEMA,
    load_schema,
    validate_config_schema,
    validator_for,
)

REAL = Path(__file__).resolve().parents[1] / "data" / "blueprints-real"
REAL_FILES = sorted(REAL.glob("*.blueprint.yaml"))


def paths(doc: Any) -> list[str]:
    validator = validator_for(load_schema(BLUEPRINT_SCHEMA))
    return sorted(e.json_path for e in validator.iter_errors(doc))


def test_there_are_four_real_files() -> None:
    assert [p.name.split(".")[0] for p in REAL_FILES] == [
        "alloy",
        "cnpg",
        "crossplane-claims",
        "harbor",
    ]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_blueprints_validate(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert paths(doc) == []
    assert validate_config_schema(doc["spec"].get("configSchema", {})) == []


@pytest.mark.parametrize("name", [BLUEPRINT_SCHEMA, WORKSPACE_SCHEMA])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert schema["$id"] == f"https://blueprintc.dev/schemas/{name}"


def property_schemas(node: Any, where: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    yield f"{where}.{name}", sub
            yield from property_schemas(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from property_schemas(item, f"{where}[{i}]")


@pytest.mark.parametrize("name", [BLUEPRINT_SCHEMA, WORKSPACE_SCHEMA])
def test_every_property_is_described_for_editors(name: str) -> None:
    schema = load_schema(name)
    bare = [
        where
        for where, sub in property_schemas(schema)
        if "description" not in sub
        and "description" not in schema["$defs"].get(sub.get("$ref", "").split("/")[-1], {})
    ]
    # Property schemas inside anyOf branches only restate "required": no description needed.
    assert [w for w in bare if ".anyOf[" not in w] == []


BASE: dict[str, Any] = {
    "apiVersion": "catalyst.openova.io/v1",
    "kind": "Blueprint",
    "metadata": {"name": "bp-shop"},
    "spec": {"version": "1.0.0", "card": {"title": "Shop"}},
}


def blueprint(spec: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["spec"].update(spec or {})
    doc.update(top)
    return doc


VALID = {
    "version in metadata": {
        **BASE,
        "metadata": {"name": "shop", "version": "2.1.0-rc.1"},
        "spec": {"card": {"title": "Shop"}},
    },
    "full card and owner": blueprint(
        {
            "card": {
                "title": "WordPress",
                "tagline": "Self-hosted CMS",
                "category": "cms",
                "tags": ["cms", "blog"],
                "icon": "./card/icon.svg",
                "screenshots": ["./card/screenshots/admin.png"],
                "license": "GPL-2.0",
                "documentation": "https://wordpress.org/documentation",
            },
            "visibility": "listed",
            "owner": {"team": "apps", "contact": "apps@example.test"},
        }
    ),
    "owner as a string": blueprint({"owner": "team-apps"}),
    "source with inline and path overlays": blueprint(
        {
            "manifests": {
                "source": {"kind": "HelmChart", "ref": "oci://ghcr.io/example/bp-shop:1.0.0"},
                "overlays": {"small": {"replicas": 1}, "large": "./overlays/large.yaml"},
            }
        }
    ),
    "kustomize source": blueprint(
        {"manifests": {"source": {"kind": "Kustomize", "ref": "./manifests/base"}}}
    ),
    "chart as oci reference": blueprint({"manifests": {"chart": "oci://ghcr.io/example/bp-shop"}}),
    "depends with every field": blueprint(
        {
            "depends": [
                "bp-flux",
                {
                    "blueprint": "bp-postgres",
                    "version": ">=1.0 <2",
                    "alias": "db",
                    "when": "{{ .config.postgres.mode == 'embedded' }}",
                    "values": {"databases": ["{{ .application.name }}"]},
                },
                {"blueprint": "bp-valkey", "version": "~1.2"},
                {"blueprint": "bp-gitea"},
            ]
        }
    ),
    "placement, upgrades, rotation, observability, outputs": blueprint(
        {
            "placementSchema": {
                "modes": ["single-region", "active-active", "active-hotstandby"],
                "minRegions": 1,
                "maxRegions": 5,
                "default": "single-region",
            },
            "upgrades": {"from": ["1.2.x", "^1.1"], "blocks": ["1.0.x"]},
            "rotation": [{"kind": "oauth-client-secret", "name": "wp-client", "ttl": "90d"}],
            "observability": {"metrics": "prometheus", "logs": "stdout", "traces": "otlp"},
            "outputs": {"hostNamespace": "mgmt"},
        }
    ),
}


@pytest.mark.parametrize("doc", VALID.values(), ids=list(VALID))
def test_documented_shapes_validate(doc: dict[str, Any]) -> None:
    assert paths(doc) == []


INVALID = {
    "unknown apiVersion": (blueprint(apiVersion="catalyst.openova.io/v2"), "$.apiVersion"),
    "wrong kind": (blueprint(kind="Chart"), "$.kind"),
    "name not a DNS label": (blueprint(metadata={"name": "BP_Shop"}), "$.metadata.name"),
    "unknown metadata key": (blueprint(metadata={"name": "shop", "uid": "1"}), "$.metadata"),
    "bad label key": (
        blueprint(metadata={"name": "shop", "labels": {"a b": "c"}}),
        "$.metadata.labels",
    ),
    "no version anywhere": ({**BASE, "spec": {"card": {"title": "x"}}}, "$"),
    "version not semver": (blueprint({"version": "1.0"}), "$.spec.version"),
    "metadata version not semver": (
        blueprint(metadata={"name": "shop", "version": "v1"}),
        "$.metadata.version",
    ),
    "card without title": (blueprint({"card": {"summary": "x"}}), "$.spec.card"),
    "unknown card key": (blueprint({"card": {"title": "x", "colour": "red"}}), "$.spec.card"),
    "docs not a URI": (
        blueprint({"card": {"title": "x", "docs": "see the wiki"}}),
        "$.spec.card.docs",
    ),
    "unknown spec key": (blueprint({"topology": {}}), "$.spec"),
    "visibility": (blueprint({"visibility": "public"}), "$.spec.visibility"),
    "placement mode": (
        blueprint({"placementSchema": {"modes": ["primary-only"]}}),
        "$.spec.placementSchema.modes[0]",
    ),
    "minRegions zero": (
        blueprint({"placementSchema": {"minRegions": 0}}),
        "$.spec.placementSchema.minRegions",
    ),
    "manifests with neither chart nor source": (blueprint({"manifests": {}}), "$.spec.manifests"),
    "manifests with chart and source": (
        blueprint(
            {"manifests": {"chart": "./chart", "source": {"kind": "Kustomize", "ref": "./m"}}}
        ),
        "$.spec.manifests",
    ),
    "chart outside the folder": (
        blueprint({"manifests": {"chart": "../other/chart"}}),
        "$.spec.manifests.chart",
    ),
    "source kind": (
        blueprint({"manifests": {"source": {"kind": "OAM", "ref": "x"}}}),
        "$.spec.manifests.source.kind",
    ),
    "overlay size": (
        blueprint({"manifests": {"chart": "./chart", "overlays": {"xlarge": {}}}}),
        "$.spec.manifests.overlays",
    ),
    "overlay absolute path": (
        blueprint({"manifests": {"chart": "./chart", "overlays": {"small": "/etc/values.yaml"}}}),
        "$.spec.manifests.overlays.small",
    ),
    "depends name": (blueprint({"depends": ["Bad Name"]}), "$.spec.depends[0]"),
    "depends version range": (
        blueprint({"depends": [{"blueprint": "bp-x", "version": "latest"}]}),
        "$.spec.depends[0].version",
    ),
    "depends without blueprint": (blueprint({"depends": [{"version": "^1"}]}), "$.spec.depends[0]"),
    "depends unknown key": (
        blueprint({"depends": [{"blueprint": "bp-x", "optional": True}]}),
        "$.spec.depends[0]",
    ),
    "depends entry a number": (blueprint({"depends": [3]}), "$.spec.depends[0]"),
    "upgrades.from a string": (blueprint({"upgrades": {"from": "0.x"}}), "$.spec.upgrades.from"),
    "configSchema a string": (blueprint({"configSchema": "object"}), "$.spec.configSchema"),
}


@pytest.mark.parametrize(("doc", "path"), INVALID.values(), ids=list(INVALID))
def test_broken_blueprints_fail_at_their_path(doc: dict[str, Any], path: str) -> None:
    assert set(paths(doc)) == {path}


RANGES_OK = ["^1.4", "~1.2", "1.x", "0.x", "^1", ">=1.0 <2", ">=1.0.0, <2.0.0", "1.2 - 1.4"]
RANGES_OK += ["^1 || ^2", "*", "1.2.3", "v1.2.3-rc.1", "=1.0.0"]
RANGES_BAD = ["", "latest", "^", "1.2.3.4", ">=1.0 <", "1..2", "^01", "1.0 ||"]


@pytest.mark.parametrize("version", RANGES_OK)
def test_semver_ranges_accepted(version: str) -> None:
    assert paths(blueprint({"depends": [{"blueprint": "bp-x", "version": version}]})) == []


@pytest.mark.parametrize("version", RANGES_BAD)
def test_semver_ranges_rejected(version: str) -> None:
    doc = blueprint({"depends": [{"blueprint": "bp-x", "version": version}]})
    assert paths(doc) == ["$.spec.depends[0].version"]
