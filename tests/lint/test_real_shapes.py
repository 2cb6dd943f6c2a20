"""`blueprintc lint` accepts every real-world blueprint.yaml shape (CANON.md §7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.lint import lint

REAL = Path(__file__).resolve().parents[1] / "data" / "blueprints-real"
SHAPES = sorted(REAL.glob("*.blueprint.yaml"))
# Named as the real catalog names each umbrella chart: bp-<name> (BPS008).
CHART = "apiVersion: v2\nname: bp-{name}\nversion: 1.0.0\n"


@pytest.mark.parametrize("real", SHAPES, ids=lambda p: p.name.split(".")[0])
def test_real_shape_lints_without_schema_findings(real: Path, tmp_path: Path) -> None:
    (tmp_path / "blueprintc.yaml").write_text(
        "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n"
    )
    blueprint = tmp_path / "blueprints" / real.name.split(".")[0]
    (blueprint / "chart").mkdir(parents=True)
    (blueprint / "chart" / "Chart.yaml").write_text(CHART.format(name=blueprint.name))
    shutil.copyfile(real, blueprint / "blueprint.yaml")
    result = lint([tmp_path], root=tmp_path)
    schema = [d for d in result.diagnostics if d.rule.startswith(("BPS", "BPI"))]
    assert schema == [], [d.message for d in schema]
    assert result.blueprints == [f"blueprints/{blueprint.name}"]
