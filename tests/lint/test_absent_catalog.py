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
from tests.crd_manifest import crd_manifest

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


WIDGET_CRD = crd_manifest(
    "example.com",
    "Widget",
    schema="""\
type: object
properties:
  spec:
    type: object
    properties:
      size: {type: integer}
""",
)


def _platform_repository(tmp_path: Path) -> Path:
    """The platform's own layout: no `blueprintc.yaml`, no `blueprints/`; `axon` renders a
    Widget whose size is text, `widgets` (elsewhere in the tree) ships its CRD."""
    axon = tmp_path / "products" / "axon" / "chart"
    (axon / "templates").mkdir(parents=True)
    (axon / "Chart.yaml").write_text(CHART, encoding="utf-8")
    (axon / "templates" / "widget.yaml").write_text(
        WIDGET.replace("size: 1", "size: big"), encoding="utf-8"
    )
    widgets = tmp_path / "platform" / "widgets" / "chart"
    (widgets / "crds").mkdir(parents=True)
    (widgets / "Chart.yaml").write_text(CHART.replace("bp-axon", "bp-widgets"), encoding="utf-8")
    (widgets / "crds" / "widgets.yaml").write_text(WIDGET_CRD, encoding="utf-8")
    return tmp_path


def test_with_no_workspace_file_lint_with_no_paths_lints_every_blueprint_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_platform_repository(tmp_path))
    result = invoke("lint", "--format", "json")
    everything = invoke("lint", "--format", "json", ".")
    assert result.exit_code == everything.exit_code == 1, result.output
    assert result.stdout == everything.stdout
    assert '"products/axon"' in result.stdout and '"platform/widgets"' in result.stdout


def test_with_no_workspace_file_the_crds_of_every_blueprint_below_are_the_catalogs(
    tmp_path: Path,
) -> None:
    """Linted alone, `axon`'s Widget is checked against the CRD `widgets` ships, as it
    is when the whole tree is linted: the catalog is the tree, not an absent
    `blueprints/`."""
    root = _platform_repository(tmp_path)
    alone = lint([root / "products" / "axon"], root=root, select={"BPG012"})
    assert [(d.location.file, d.location.line, d.message) for d in alone.active] == [
        (
            "products/axon/chart/templates/widget.yaml",
            10,
            "Widget one: spec.size: 'big' is not of type 'integer'",
        )
    ]


def test_with_no_workspace_file_and_no_blueprint_lint_with_no_paths_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke("lint")
    assert result.exit_code == 2, result.output
    assert "no Blueprint here: no blueprintc.yaml names a catalog" in result.stderr
    assert "= help: run blueprintc in the repository that holds the Blueprints" in result.stderr


def test_a_refused_catalog_directory_comes_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_products(tmp_path))
    result = invoke("lint")
    assert "= help: create blueprints/, list the catalog's directories" in result.stderr


def test_with_no_workspace_file_an_empty_blueprints_directory_names_no_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty `blueprints/` beside `platform/` and `products/`: lint with no paths
    linted nothing and passed; the Blueprints below the root are the catalog."""
    root = _platform_repository(tmp_path)
    (root / "blueprints").mkdir()
    monkeypatch.chdir(root)
    result = invoke("lint", "--format", "json")
    assert '"products/axon"' in result.stdout and '"platform/widgets"' in result.stdout
    (tmp_path / "empty" / "blueprints").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "empty")
    nothing = invoke("lint")
    assert nothing.exit_code == 2
    assert "no Blueprint here" in nothing.stderr
