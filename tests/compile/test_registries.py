"""Separate registries, and logins, for the bootstrap kit and for Applications:
`registrySecret`, `kitRegistry` and `kitRegistrySecret` in sovereign.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml

from blueprintc.compile.run import run_compile
from tests.hostile.harness import assert_refused, run_cli

from .helpers import copy_workspace, tree_files

REGISTRY = "  registry: oci://harbor.hfmp.t38.omani.works/catalyst\n"


def _repositories(out: Path) -> dict[str, list[dict]]:
    """'kit' and 'apps' -> their HelmRepository specs."""
    found: dict[str, list[dict]] = {"kit": [], "apps": []}
    for path, data in tree_files(out).items():
        for doc in yaml.safe_load_all(data):
            if isinstance(doc, dict) and doc.get("kind") == "HelmRepository":
                found["kit" if path.startswith("clusters/") else "apps"].append(doc["spec"])
    return found


def _compile(tmp_path: Path, keys: str) -> dict[str, list[dict]]:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    assert REGISTRY in text
    sovereign.write_text(text.replace(REGISTRY, REGISTRY + keys))
    outcome = run_compile(workspace, out=tmp_path / "out")
    assert outcome.diagnostics == []
    return _repositories(tmp_path / "out")


def test_a_kit_registry_of_its_own_with_its_own_login(tmp_path: Path) -> None:
    found = _compile(
        tmp_path,
        "  registrySecret: harbor-pull\n"
        "  kitRegistry: oci://platform.hfmp.t38.omani.works/kit\n"
        "  kitRegistrySecret: platform-pull\n",
    )
    assert len(found["kit"]) == 5 and len(found["apps"]) > 10
    for spec in found["kit"]:
        assert spec["url"] == "oci://platform.hfmp.${SOVEREIGN_FQDN}/kit"
        assert spec["secretRef"] == {"name": "platform-pull"}
    for spec in found["apps"]:
        assert spec["url"] == "oci://harbor.hfmp.${SOVEREIGN_FQDN}/catalyst"
        assert spec["secretRef"] == {"name": "harbor-pull"}


def test_one_registry_one_login_for_both(tmp_path: Path) -> None:
    found = _compile(tmp_path, "  registrySecret: harbor-pull\n")
    assert {s["secretRef"]["name"] for s in found["kit"] + found["apps"]} == {"harbor-pull"}
    assert {s["url"] for s in found["kit"]} == {s["url"] for s in found["apps"]}


def test_no_login_by_default(tmp_path: Path) -> None:
    found = _compile(tmp_path, "")
    assert not [s for s in found["kit"] + found["apps"] if "secretRef" in s]


def test_a_kit_registry_with_credentials_in_it_is_refused(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    sovereign.write_text(
        sovereign.read_text().replace(
            REGISTRY, REGISTRY + "  kitRegistry: oci://robot:s3cr3t@platform.example.test/kit\n"
        )
    )
    run = run_cli("compile", cwd=workspace)
    assert_refused(run, "BPP017", "spec.kitRegistry", code=1)
    assert "s3cr3t" not in run.output
