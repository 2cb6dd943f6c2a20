"""Chart.yaml's `kubeVersion` against the Kubernetes version lint renders for: Helm
checks it before it renders (`chart requires kubeVersion: >=1.33.0-0 which is
incompatible with Kubernetes v1.32.0`), the SDK's render does not, so lint does (BPG003,
at the line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import SchemaSettings, lint
from tests.cli.helpers import write_workspace

CHART_YAML = "blueprints/demo/chart/Chart.yaml"


def _with_kube_version(tmp_path: Path, wanted: str) -> Path:
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"})
    chart = workspace / CHART_YAML
    chart.write_text(chart.read_text() + f'kubeVersion: "{wanted}"\n', encoding="utf-8")
    return workspace


def test_a_range_that_leaves_out_the_kubernetes_version_is_bpg003(tmp_path: Path) -> None:
    workspace = _with_kube_version(tmp_path, ">=1.33.0-0")
    result = lint([workspace], root=workspace, jobs=1)
    found = [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [("BPG003", CHART_YAML, 6, 14)]
    assert result.active[0].message == (
        "Chart.yaml's kubeVersion `>=1.33.0-0` leaves out Kubernetes 1.32.0, which the "
        "Blueprint is linted for: Helm refuses to install the chart there (`chart requires "
        "kubeVersion: >=1.33.0-0 which is incompatible with Kubernetes v1.32.0`)"
    )
    assert "raise `kubernetesVersion` in blueprintc.yaml" in (result.active[0].hint or "")
    # The version lint is given decides, as it does the render's.
    newer = lint([workspace], root=workspace, jobs=1, schemas=SchemaSettings(kube_version="1.33.2"))
    assert newer.active == []


@pytest.mark.parametrize(
    "wanted", [">=1.28.0-0", ">= 1.24.0-0", "^1.20.0", "1.30 - 1.32", ">=1.25 <1.34", "not a range"]
)
def test_a_range_that_takes_it_or_does_not_parse_passes(tmp_path: Path, wanted: str) -> None:
    workspace = _with_kube_version(tmp_path, wanted)
    assert lint([workspace], root=workspace, jobs=1, select={"BPG003"}).active == []
