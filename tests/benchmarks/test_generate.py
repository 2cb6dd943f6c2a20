"""The benchmark's generated catalog is realistic only if it lints clean (no timing here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks.lint.generate import generate, helm_templates
from blueprintc.diagnostics import Severity
from blueprintc.lint import lint


def test_generated_workspace_lints_without_errors(tmp_path: Path) -> None:
    names = generate(tmp_path / "ws", 3)
    result = lint([tmp_path / "ws"], root=tmp_path / "ws")
    assert len(result.blueprints) == 3
    errors = [d for d in result.active if d.severity >= Severity.ERROR]
    assert errors == []
    assert len(set(names)) == 3


def test_clones_are_renamed_consistently(tmp_path: Path) -> None:
    first = helm_templates()[0]
    names = generate(tmp_path / "ws", len(helm_templates()) + 1)
    assert names[-1] == f"{first.name}-02"
    clone = tmp_path / "ws" / "blueprints" / f"{first.dir.name}-02"
    blueprint = yaml.safe_load((clone / "blueprint.yaml").read_text())
    chart = yaml.safe_load((clone / "chart" / "Chart.yaml").read_text())
    assert blueprint["metadata"]["name"] == chart["name"] == f"{first.name}-02"
    assert list((clone / "chart" / "charts").iterdir()), "vendored subcharts are kept"
