"""The outputs of scripts/import_shared.py: committed, sane, and reproducible from ../shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft202012Validator

from blueprintc.schemas import load_schema

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCRIPT = REPO / "scripts" / "import_shared.py"
FLUX_DIR = REPO / "blueprintc" / "data" / "schemas" / "flux"
DATA = REPO / "tests" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "schemas" / "flux").is_dir(),
    reason="../shared is absent: the committed outputs cannot be regenerated here",
)


def run_import(out: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(SHARED), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@needs_shared
def test_generator_is_deterministic_and_incremental(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run_import(first)
    run_import(second)
    assert tree(first) == tree(second)
    assert run_import(first) == ""  # nothing rewritten on a second run


@needs_shared
def test_committed_outputs_match_the_generator(tmp_path: Path) -> None:
    run_import(tmp_path)
    generated = tree(tmp_path)
    stale = [rel for rel, data in generated.items() if REPO.joinpath(rel).read_bytes() != data]
    assert stale == [], "re-run scripts/import_shared.py and commit its outputs"
    owned = [FLUX_DIR, DATA / "gitea", DATA / "blueprints-real"]
    committed = {p.relative_to(REPO).as_posix() for d in owned for p in d.iterdir()}
    assert committed <= set(generated)


def test_flux_index_points_at_valid_structural_schemas() -> None:
    index = load_schema("flux/index.json")
    assert sorted(index) == [
        "helm.toolkit.fluxcd.io/v2/HelmRelease",
        "kustomize.toolkit.fluxcd.io/v1/Kustomization",
        "notification.toolkit.fluxcd.io/v1/Receiver",
        "source.toolkit.fluxcd.io/v1/GitRepository",
        "source.toolkit.fluxcd.io/v1/HelmChart",
        "source.toolkit.fluxcd.io/v1/HelmRepository",
        "source.toolkit.fluxcd.io/v1/OCIRepository",
    ]
    for key, name in index.items():
        schema = load_schema(f"flux/{name}")
        Draft202012Validator.check_schema(schema)
        api_version, kind = key.rsplit("/", 1)
        assert schema["properties"]["apiVersion"]["const"] == api_version
        assert schema["properties"]["kind"]["const"] == kind
        assert '"description"' not in json.dumps(schema)


def test_each_generated_folder_names_its_source() -> None:
    for folder in (FLUX_DIR, DATA / "gitea", DATA / "blueprints-real"):
        text = (folder / "SOURCE.md").read_text(encoding="utf-8")
        assert "scripts/import_shared.py" in text
        assert "../shared/" in text
    sarif = json.loads((DATA / "sarif-schema-2.1.0.json").read_bytes())
    assert "scripts/import_shared.py" in sarif["$comment"]


def test_stripped_sarif_schema_still_validates_sarif_logs() -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_bytes())
    Draft4Validator.check_schema(schema)
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "blueprintc", "rules": [{"id": "BPN001"}]}},
                "results": [
                    {
                        "ruleId": "BPN001",
                        "level": "warning",
                        "message": {"text": "name lacks the bp- prefix"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "blueprints/x/blueprint.yaml"},
                                    "region": {"startLine": 4, "startColumn": 9},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert list(validator.iter_errors(log)) == []
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["version"] = "2.0.0"
    paths = sorted(e.json_path for e in validator.iter_errors(log))
    assert paths == ["$.runs[0].results[0].level", "$.version"]


def test_gitea_contracts_keep_their_shape_without_descriptions() -> None:
    for name in ("pulls-api.json", "pulls-api.gitea-main-009dbc0.json"):
        contract = json.loads((DATA / "gitea" / name).read_bytes())
        assert sorted(contract["definitions"]) == [
            "CreatePullRequestOption",
            "MergePullRequestOption",
            "PullRequest",
            "PullReview",
        ]
        assert "/repos/{owner}/{repo}/pulls/{index}/merge" in contract["paths"]
        assert '"description"' not in json.dumps(contract)
