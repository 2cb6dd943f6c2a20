"""BPT001 in a Blueprint that installs a Kubernetes Operator: its chart depends on an
upstream chart named `*-operator` (`knative-operator`, `trivy-operator`), so "the
operator" in its text is that software (CANON §4: the controller pattern is exempt),
not the person the canon calls sovereign-admin. On the platform's real repository the
knative, stunner and trivy Blueprints gave 12 such warnings, every one the controller."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPT001" / "pass"
README = """# bp-demo

The operator is leader-elected, so an HPA rarely makes sense.
Every tenant gets its own copy.
"""


def _blueprint(tmp_path: Path, dependency: str | None) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    demo = root / "blueprints" / "demo"
    (demo / "README.md").write_text(README, encoding="utf-8")
    if dependency is not None:
        chart = demo / "chart" / "Chart.yaml"
        text = chart.read_text(encoding="utf-8")
        text = text.replace('  catalyst.openova.io/no-upstream: "true"\n', "")
        text += (
            f"dependencies:\n  - name: {dependency}\n    version: 1.2.3\n"
            "    repository: https://charts.example.com\n"
        )
        chart.write_text(text, encoding="utf-8")
    return root


def _reported(root: Path) -> list[tuple[int, str]]:
    found = lint([root], root=root, select={"BPT001"}).diagnostics
    return [(d.location.line, d.message.split("'")[1]) for d in found]


@pytest.mark.parametrize("dependency", ["knative-operator", "stunner-gateway-operator"])
def test_in_an_operator_blueprint_the_operator_is_the_software(
    tmp_path: Path, dependency: str
) -> None:
    assert _reported(_blueprint(tmp_path, dependency)) == [(4, "tenant")]


@pytest.mark.parametrize("dependency", [None, "cloudnative-pg", "operators-hub"])
def test_elsewhere_the_operator_is_the_person(tmp_path: Path, dependency: str | None) -> None:
    assert _reported(_blueprint(tmp_path, dependency)) == [(3, "operator"), (4, "tenant")]


@pytest.mark.parametrize("dependency", ["tenant", "capsule"])
def test_in_a_minio_tenant_or_capsule_blueprint_the_tenant_is_the_product(
    tmp_path: Path, dependency: str
) -> None:
    """MinIO's `tenant` chart makes a MinIO Tenant, Capsule serves a Tenant kind: an
    upstream product's name (CANON §4), not the Organization."""
    assert _reported(_blueprint(tmp_path, dependency)) == [(3, "operator")]


def test_a_chart_only_named_like_one_keeps_the_ban(tmp_path: Path) -> None:
    assert _reported(_blueprint(tmp_path, "tenant-portal")) == [(3, "operator"), (4, "tenant")]
