"""A workspace without the catalog directory `blueprintc.yaml` names (`blueprints/`
by default), as the platform's own repository is laid out (`platform/`, `products/`):
a rule that looks the whole catalog over (the CRDs the catalog ships, the users of a
vendored chart) finds no Blueprint there, where it reported `BPI007 no such file or
directory: <absolute path>/blueprints` as an error of the Blueprint linted. `lint`
with no paths still says the directory is missing, by its workspace path."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint
from tests.cli.helpers import invoke

WORKSPACE = "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n"
CHART = "apiVersion: v2\nname: bp-axon\nversion: 0.1.0\n"
WIDGET = """apiVersion: example.com/v1
kind: Widget
metadata:
  name: one
  labels:
    app.kubernetes.io/name: axon
    app.kubernetes.io/instance: axon
    app.kubernetes.io/managed-by: Helm
spec:
  size: 1
"""


def _products(tmp_path: Path) -> Path:
    (tmp_path / "blueprintc.yaml").write_text(WORKSPACE, encoding="utf-8")
    chart = tmp_path / "products" / "axon" / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(CHART, encoding="utf-8")
    # An object of a kind blueprintc has no schema for: its check looks for the CRD
    # among those the whole catalog ships.
    (chart / "templates" / "widget.yaml").write_text(WIDGET, encoding="utf-8")
    return tmp_path


def test_a_rule_over_the_whole_catalog_finds_none_in_an_absent_directory(
    tmp_path: Path,
) -> None:
    root = _products(tmp_path)
    result = lint([root / "products"], root=root)
    assert result.blueprints == ["products/axon"]
    assert [d for d in result.diagnostics if d.rule == "BPI007"] == []
    assert "BPI010" in {d.rule for d in result.diagnostics}  # no blueprint.yaml: still said


def test_lint_with_no_paths_names_the_absent_catalog_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_products(tmp_path))
    result = invoke("lint")
    assert result.exit_code == 2, result.output
    assert "no such directory: blueprints, a catalog directory of blueprintc.yaml" in result.stderr
    assert str(tmp_path) not in result.stderr
