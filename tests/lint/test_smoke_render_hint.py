"""BPG003 for a chart whose default render fails only on a value the per-cluster
overlay supplies (`required`, or `fail "... is required"`) names the fix the canon
gives (GUARD 2's `requires-overlay` mode) and where to write it. On the platform's
real repository three charts (anthropic-adapter, knative, librechat) fail so; the
hint said "annotate the chart's intended smoke-render mode", naming neither."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.lint import lint

CASES = Path(__file__).parents[1] / "rules" / "cases" / "BPG003"
MODE = "  catalyst.openova.io/smoke-render-mode: requires-overlay\n"


def _workspace(tmp_path: Path, blueprint: str, case: str) -> Path:
    root = tmp_path / "ws"
    (root / "blueprints").mkdir(parents=True)
    shutil.copy(CASES / case / "blueprintc.yaml", root)
    shutil.copytree(CASES / case / "blueprints" / blueprint, root / "blueprints" / blueprint)
    return root


def test_an_overlay_value_failure_names_the_annotation_and_following_it_passes(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path, "overlay", "pass")
    chart = root / "blueprints" / "overlay" / "chart" / "Chart.yaml"
    annotated = chart.read_text(encoding="utf-8")
    chart.write_text(annotated.replace(MODE, ""), encoding="utf-8")
    (found,) = lint([root], root=root, select={"BPG003"}).diagnostics
    assert found.hint == (
        "if the per-cluster overlay supplies this value, annotate the chart: set "
        'annotations: {catalyst.openova.io/smoke-render-mode: "requires-overlay"} in '
        "blueprints/overlay/chart/Chart.yaml; else give it a default"
    )
    chart.write_text(
        annotated.replace(MODE, '  catalyst.openova.io/smoke-render-mode: "requires-overlay"\n'),
        encoding="utf-8",
    )
    assert lint([root], root=root, select={"BPG003"}).diagnostics == []


def test_a_template_mistake_gets_no_such_hint(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "demo", "fail")
    (found,) = lint([root], root=root, select={"BPG003"}).diagnostics
    assert "quot" in found.message
    assert "requires-overlay" not in (found.hint or "")
