"""`dependencies.dependency_status` answers exactly what `helm dependency list` answers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

from blueprintc import dependencies
from blueprintc import helm as adapter
from blueprintc.dependencies import dependency_status

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "blueprints" / "observability" / "chart"  # two archived dependencies
METRICS = "metrics-collector-0.9.2.tgz"
LOGS = "log-shipper-3.1.0.tgz"


def _unpack(charts: Path) -> None:
    shutil.unpack_archive(charts / LOGS, charts)
    (charts / LOGS).unlink()


def _unpack_at(version: str) -> Callable[[Path], None]:
    def change(charts: Path) -> None:
        _unpack(charts)
        chart_yaml = charts / "log-shipper" / "Chart.yaml"
        text = chart_yaml.read_text(encoding="utf-8")
        chart_yaml.write_text(text.replace("version: 3.1.0", f"version: {version}"), "utf-8")

    return change


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda charts: (charts / old).rename(charts / new)


def _copy(old: str, new: str) -> Callable[[Path], None]:
    return lambda charts: shutil.copy(charts / old, charts / new)


def _set_version(version: str) -> Callable[[Path], None]:
    def change(charts: Path) -> None:
        chart_yaml = charts.parent / "Chart.yaml"
        text = chart_yaml.read_text(encoding="utf-8")
        chart_yaml.write_text(text.replace("version: 3.1.0", f"version: {version}"), "utf-8")

    return change


SCENARIOS: dict[str, Callable[[Path], Any]] = {
    "all ok": lambda charts: None,
    "one missing": lambda charts: (charts / LOGS).unlink(),
    "unpacked": _unpack,
    "unpacked, other version": _unpack_at("3.1.1"),
    "unpacked, range": lambda charts: (_unpack(charts), _set_version("~3.1.0")(charts)),
    "wrong version in the name": _rename(LOGS, "log-shipper-3.2.0.tgz"),
    "misnamed": _copy(METRICS, "log-shipper-9.9.9.tgz"),
    "swapped": lambda charts: (
        _rename(LOGS, "tmp.tgz")(charts),
        _rename(METRICS, LOGS)(charts),
        _rename("tmp.tgz", METRICS)(charts),
    ),
    "two matches": _copy(LOGS, "log-shipper-3.1.1.tgz"),
    "extra archive": _copy(LOGS, "other-1.0.0.tgz"),
    "range": _set_version("~3.1.0"),
    "range unmet": _set_version("^4.0.0"),
    "no charts dir": lambda charts: shutil.rmtree(charts),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_statuses_as_helm(tmp_path: Path, scenario: str) -> None:
    chart_dir = tmp_path / "chart"
    shutil.copytree(CHART, chart_dir)
    SCENARIOS[scenario](chart_dir / "charts")
    try:
        chart: adapter.Chart | None = adapter.load_chart(chart_dir)
    except adapter.ChartLoadError:
        chart = None
    assert dependency_status(chart_dir, chart) == helm.dependency_list(chart_dir)


@pytest.mark.parametrize("scenario", ["all ok", "unpacked", "extra archive"])
def test_answers_without_helm_when_certain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    chart_dir = tmp_path / "chart"
    shutil.copytree(CHART, chart_dir)
    SCENARIOS[scenario](chart_dir / "charts")
    expected = helm.dependency_list(chart_dir)
    chart = adapter.load_chart(chart_dir)
    monkeypatch.setattr(dependencies.helm, "dependency_status", lambda *_: pytest.fail("asked"))
    assert dependency_status(chart_dir, chart) == expected


def test_an_archive_is_known_by_its_bytes_not_its_path(tmp_path: Path) -> None:
    """Archives are loaded once per distinct content in a process: the same path with
    other bytes gets Helm's answer for those bytes, and equal bytes elsewhere are not
    loaded again."""
    chart_dir = tmp_path / "chart"
    shutil.copytree(CHART, chart_dir)
    charts = chart_dir / "charts"
    chart = adapter.load_chart(chart_dir)
    assert dependency_status(chart_dir, chart) == helm.dependency_list(chart_dir)
    shutil.copy(charts / METRICS, charts / LOGS)  # other bytes under the same name
    assert dependency_status(chart_dir, chart) == helm.dependency_list(chart_dir)

    twin = tmp_path / "twin"
    shutil.copytree(CHART, twin)
    loads: list[Path] = []
    real = adapter.load_chart

    def counted(path: Path, *args: Any) -> adapter.Chart:
        loads.append(path)
        return real(path, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dependencies.helm, "load_chart", counted)
        assert dependency_status(twin, adapter.load_chart(twin)) == helm.dependency_list(twin)
    assert [p for p in loads if p.suffix == ".tgz"] == []
