"""Helm's CRD objects of a chart come from its `crds/` files and its subcharts only, so
BPG009 skips asking Helm for a chart directory with neither entry."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import helm_python as helm
import pytest

from blueprintc.listing import Scans
from blueprintc.rules.guards.crd_and_cr import _may_ship_crds

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "rules" / "cases"
CHARTS = sorted(
    {p.parent for p in (REPO / "blueprints").glob("*/chart/Chart.yaml")}
    | {p.parent for p in CASES.glob("*/*/blueprints/*/chart/Chart.yaml")}
)


def _context(chart: Path) -> Any:
    return SimpleNamespace(chart_dir=chart, scans=Scans())


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.relative_to(REPO).as_posix())
def test_a_chart_said_to_ship_no_crds_has_none_in_helm(chart: Path) -> None:
    if _may_ship_crds(_context(chart)):
        return  # Helm is asked: nothing to compare
    try:
        loaded = helm.Chart.load(chart)
    except helm.HelmError:
        return  # never asked: BPG009 renders first, and a chart that does not load stops it
    assert loaded.crds == []


def test_crds_or_charts_means_helm_is_asked(tmp_path: Path) -> None:
    assert not _may_ship_crds(_context(tmp_path))
    for name in ("crds", "charts"):
        (tmp_path / name).mkdir()
        assert _may_ship_crds(_context(tmp_path))
        (tmp_path / name).rmdir()
    (tmp_path / "crds").symlink_to("elsewhere")
    assert _may_ship_crds(_context(tmp_path))
    assert _may_ship_crds(_context(tmp_path / "missing"))
