"""BPS008: Chart.yaml names the chart `bp-<name>`, the name every HelmRelease asks the
registry for, whether blueprint.yaml's `metadata.name` has the prefix or not; `build`
publishes under the chart's name, so a mismatch published an artifact no one pulled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPS008" / "pass"


def _names(tmp_path: Path, blueprint: str, chart: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    demo = root / "blueprints" / "demo"
    manifest = demo / "blueprint.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  name: demo\n", f"  name: {blueprint}\n"), "utf-8")
    chart_yaml = demo / "chart" / "Chart.yaml"
    text = chart_yaml.read_text(encoding="utf-8")
    chart_yaml.write_text(text.replace("name: bp-demo\n", f"name: {chart}\n"), "utf-8")
    return root


@pytest.mark.parametrize("blueprint", ["demo", "bp-demo"])
def test_the_chart_named_as_published_passes(tmp_path: Path, blueprint: str) -> None:
    root = _names(tmp_path, blueprint, "bp-demo")
    assert lint([root], root=root, select={"BPS008"}).diagnostics == []


@pytest.mark.parametrize(("blueprint", "chart"), [("demo", "demo"), ("bp-demo", "bp-demos")])
def test_another_chart_name_is_reported_at_it_with_the_name_to_write(
    tmp_path: Path, blueprint: str, chart: str
) -> None:
    root = _names(tmp_path, blueprint, chart)
    (found,) = lint([root], root=root, select={"BPS008"}).diagnostics
    assert (found.location.file, found.location.line, found.location.column) == (
        "blueprints/demo/chart/Chart.yaml",
        2,
        7,
    )
    assert f"build would publish {chart}:v1.0.0" in found.message
    assert found.hint == "set name: bp-demo in blueprints/demo/chart/Chart.yaml"


def test_the_reference_catalogs_agree() -> None:
    repo = Path(__file__).parents[2]
    for catalog in (repo / "blueprints", repo / "tests" / "fixtures" / "blueprint-repo"):
        assert lint([catalog], select={"BPS008"}).diagnostics == []
