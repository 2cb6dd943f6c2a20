"""Helm's CRD objects of a chart come from its `crds/` files and its subcharts only, so
BPG009 skips asking Helm for a chart directory with neither entry."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import helm_python as helm
import pytest

from blueprintc import yamldata
from blueprintc.crds import crd_kind, may_define
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


CRD_FILES = sorted(
    p
    for p in REPO.glob("**/crds/**/*.y*ml")
    if ".venv" not in p.parts and p.suffix in (".yaml", ".yml")
)


@pytest.mark.parametrize("path", CRD_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_a_crd_file_may_define_every_kind_it_defines(path: Path) -> None:
    """BPG009 parses a `crds/` file only when it may define a rendered kind: never
    wrongly skipped, over every CRD file of the repository."""
    text = path.read_text("utf-8")
    kinds = {crd_kind(body) for body in yamldata.load_all(text) if isinstance(body, dict)}
    for _, kind in kinds - {None}:  # type: ignore[misc]
        assert may_define(text, {kind})
        assert may_define(text, {"Unrelated", kind})


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.io
  names:
    kind: {kind}
"""


@pytest.mark.parametrize(
    ("written", "rendered"),
    [
        ("Widget", "Widget"),
        ('"Widget"', "Widget"),
        ("'Widget'", "Widget"),
        ('"Wid\\x67et"', "Widget"),  # an escape spells it: the file is parsed
        ('"Wid\\\n    get"', "Widget"),  # an escaped line break joins it
        ("yes", "True"),  # str() of YAML 1.1's bool
        ("~", "None"),
        (".inf", "inf"),
        (".NaN", "nan"),
        ("12", "12"),
        ("0x1F", "31"),
    ],
)
def test_a_file_defining_a_kind_is_never_skipped(written: str, rendered: str) -> None:
    text = CRD.format(kind=written)
    (body,) = yamldata.load_all(text)
    assert crd_kind(body) == ("example.io", rendered)  # what BPG009 compares
    assert may_define(text, {rendered})


def test_a_file_that_cannot_define_a_kind_is_skipped() -> None:
    assert not may_define(CRD.format(kind="Widget"), {"Gadget"})
    assert not may_define(CRD.format(kind="Widget"), {"Gadget", "Deployment"})
    assert may_define(CRD.format(kind="Widget"), {"Gadget", "Widget"})
