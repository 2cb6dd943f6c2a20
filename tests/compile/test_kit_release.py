"""A bootstrap-kit entry is a full Flux release description (issue 12 point 4):
`dependsOn`, `wait`, `timeout`, `interval`, `install`, `upgrade`, `namespace` and
`slot` per entry, `spec.kit` for the Kustomization that applies the kit, and the
Sovereign overlay applied to kit Blueprints as to Applications."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from blueprintc.compile.run import run_compile
from blueprintc.schemas import load_schema
from blueprintc.validate import validate_tree

from .helpers import copy_workspace, tree_files

KIT = "clusters/omantel/bootstrap-kit/"
CERT_MANAGER = """    - blueprint: bp-cert-manager
      version: ^1.2
      releaseName: cert-manager
      targetNamespace: cert-manager
"""
OBSERVABILITY = """    - blueprint: bp-observability
      version: ^1.1
      releaseName: observability
      targetNamespace: monitoring
"""


def _workspace(tmp_path: Path, replacements: dict[str, str]) -> Path:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    sovereign.write_text(text)
    return workspace


def _compiled(workspace: Path, out: Path) -> dict[str, list[dict[str, Any]]]:
    outcome = run_compile(workspace, out=out)
    assert [d.message for d in outcome.diagnostics] == []
    assert [d.message for d in validate_tree(out, kustomize=True)] == []
    return {
        path: [d for d in yaml.safe_load_all(data) if d]
        for path, data in tree_files(out).items()
        if path.endswith(".yaml")
    }


def _release(tree: dict[str, list[dict[str, Any]]], name: str) -> tuple[str, dict[str, Any]]:
    for path, docs in tree.items():
        for doc in docs:
            if doc.get("kind") == "HelmRelease" and doc["metadata"]["name"] == name:
                return path.removeprefix(KIT), doc["spec"]
    raise AssertionError(f"no HelmRelease {name}")


def test_defaults_are_fluxs(tmp_path: Path) -> None:
    """Unset, each setting is Flux's own default: wait (what dependsOn waits for),
    no remediation retries, no upgrade settings; the namespace is created."""
    tree = _compiled(copy_workspace(tmp_path / "ws"), tmp_path / "out")
    _, spec = _release(tree, "bp-cert-manager")
    assert spec["install"] == {"createNamespace": True}
    assert "upgrade" not in spec and "timeout" not in spec
    assert spec["interval"] == "30m"


def test_every_release_setting_reaches_the_helmrelease(tmp_path: Path) -> None:
    settings = """      dependsOn: [bp-observability, cert-manager]
      wait: false
      timeout: 15m
      interval: 1h
      install:
        crds: CreateReplace
        remediation: {retries: 5}
      upgrade:
        preserveValues: true
        remediation: {retries: 2, strategy: uninstall}
      namespace:
        labels: {pod-security.kubernetes.io/enforce: privileged}
        annotations: {scheduler.alpha.kubernetes.io/node-selector: "role=infra"}
      slot: 7
"""
    postgres = """    - blueprint: bp-postgres
      version: ^1.3
      releaseName: postgres
      targetNamespace: postgres-system
"""
    workspace = _workspace(tmp_path, {postgres: postgres + settings})
    tree = _compiled(workspace, tmp_path / "out")
    file, spec = _release(tree, "bp-postgres")
    assert file == "07-bp-postgres.yaml"
    assert spec["dependsOn"] == [{"name": "bp-cert-manager"}, {"name": "bp-observability"}]
    assert spec["timeout"] == "15m" and spec["interval"] == "1h"
    assert spec["install"] == {
        "createNamespace": True,
        "crds": "CreateReplace",
        "remediation": {"retries": 5},
        "disableWait": True,
    }
    assert spec["upgrade"] == {
        "preserveValues": True,
        "remediation": {"retries": 2, "strategy": "uninstall"},
        "disableWait": True,
    }
    (namespace,) = tree[KIT + "namespaces.yaml"]
    assert namespace["metadata"]["name"] == "postgres-system"
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    assert namespace["metadata"]["annotations"] == {
        "scheduler.alpha.kubernetes.io/node-selector": "role=infra"
    }
    resources = tree[KIT + "kustomization.yaml"][0]["resources"]
    assert resources[:2] == ["chart-signing-keys.yaml", "namespaces.yaml"]
    assert resources[-1] == "07-bp-postgres.yaml"
    assert resources[2:] == sorted(resources[2:])  # slot order


def test_an_extra_dependency_orders_the_kit(tmp_path: Path) -> None:
    """observability does not declare that it stores on postgres; the kit says so, and
    its slot moves after postgres's (and no other file is renamed)."""
    workspace = _workspace(
        tmp_path, {OBSERVABILITY: OBSERVABILITY + "      dependsOn: [postgres]\n"}
    )
    tree = _compiled(workspace, tmp_path / "out")
    file, spec = _release(tree, "bp-observability")
    assert file == "02-bp-observability.yaml"
    assert spec["dependsOn"] == [{"name": "bp-postgres"}]
    assert _release(tree, "bp-postgres")[0] == "01-bp-postgres.yaml"


def test_the_kits_kustomization_takes_the_sovereigns_settings(tmp_path: Path) -> None:
    kit = "  kit:\n    interval: 5m\n    wait: true\n    timeout: 20m\n"
    kit += "    sourceRef: {name: platform}\n"
    workspace = _workspace(tmp_path, {"  bootstrapKit:\n": kit + "  bootstrapKit:\n"})
    tree = _compiled(workspace, tmp_path / "out")
    hosts = [p for p in tree if p.endswith("/bootstrap-kit.yaml") and "/hosts/" in p]
    assert len(hosts) == 30  # 6 host clusters x 5 env types
    for path in hosts:
        spec = tree[path][0]["spec"]
        assert spec["interval"] == "5m" and spec["wait"] is True and spec["timeout"] == "20m"
        assert spec["sourceRef"] == {"kind": "GitRepository", "name": "platform"}
    catalyst = [p for p in tree if p.endswith("/catalyst-config.yaml")]
    assert [tree[p][0]["spec"]["sourceRef"]["name"] for p in catalyst] == ["platform"]


def test_the_sovereign_overlay_applies_to_kit_blueprints(tmp_path: Path) -> None:
    """overlays/sovereigns/<sovereign>.yaml reaches a kit release as it reaches an
    Application; the kit entry's own values win."""
    own = (
        "      values:\n        cert-manager:\n          webhook:\n            timeoutSeconds: 15\n"
    )
    workspace = _workspace(tmp_path, {CERT_MANAGER: CERT_MANAGER + own})
    overlay = workspace / "overlays" / "sovereigns" / "omantel.yaml"
    overlay.write_text(
        overlay.read_text()
        + "cert-manager:\n  cert-manager:\n    webhook:\n      timeoutSeconds: 20\n"
        + "    controller:\n      replicaCount: 2\n"
    )
    tree = _compiled(workspace, tmp_path / "out")
    _, spec = _release(tree, "bp-cert-manager")
    assert spec["values"] == {
        "cert-manager": {"webhook": {"timeoutSeconds": 15}, "controller": {"replicaCount": 2}}
    }


def _diagnostics(workspace: Path, out: Path) -> list[tuple[str, str, int]]:
    outcome = run_compile(workspace, out=out)
    return [(d.rule, d.location.file, d.location.line) for d in outcome.diagnostics]


def test_a_dependency_outside_the_kit_is_reported_at_the_entry(tmp_path: Path) -> None:
    workspace = _workspace(
        tmp_path, {OBSERVABILITY: OBSERVABILITY + "      dependsOn: [bp-wiki]\n"}
    )
    found = _diagnostics(workspace, tmp_path / "out")
    line = (
        (workspace / "sovereign.yaml").read_text().splitlines().index("      dependsOn: [bp-wiki]")
    )
    assert found == [("BPP002", "sovereign.yaml", line + 1)]


def test_the_schema_takes_fluxs_own_install_and_upgrade(tmp_path: Path) -> None:
    """The kit entry's `install` and `upgrade` are Flux 2.9's HelmRelease schemas, so a
    typo or a wrong value is caught at its line before Flux would refuse it."""
    crd = load_schema("flux/helmrelease-helm.toolkit.fluxcd.io-v2.json")
    sovereign = load_schema("sovereign.schema.json")
    for key, name in (("install", "helmInstall"), ("upgrade", "helmUpgrade")):
        assert sovereign["$defs"][name] == crd["properties"]["spec"]["properties"][key]
    bad = (
        "      install:\n        remediation: {retries: many}\n"
        "      upgrade:\n        preserveValue: true\n"
        "      timeout: 5 minutes\n"
    )
    workspace = _workspace(tmp_path, {CERT_MANAGER: CERT_MANAGER + bad})
    found = _diagnostics(workspace, tmp_path / "out")
    lines = (workspace / "sovereign.yaml").read_text().splitlines()
    expected = [
        lines.index("        remediation: {retries: many}") + 1,
        lines.index("        preserveValue: true") + 1,
        lines.index("      timeout: 5 minutes") + 1,
    ]
    assert sorted(line for rule, file, line in found if file == "sovereign.yaml") == expected
    assert {rule for rule, _, _ in found} == {"BPP015"}  # the schema rule, once each
