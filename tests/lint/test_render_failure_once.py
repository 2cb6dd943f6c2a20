"""One mistake, one finding: a render failure that the default render meets too is
BPG003's alone, not reported again for every `ci/*values.yaml` render over it (BPG012);
but where BPG003 is silent by design (a `requires-overlay` chart's `required` value),
each ci/ file that fails to give the value is still reported."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import HELM_LABELS, write_workspace

CHART = "blueprints/demo/chart"
CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    + HELM_LABELS
    + "data:\n"
    + '  host: {{ required "host is required" .Values.host | quote }}\n'
    + "  replicas: {{ .Values.replicas | quote }}\n"
)


def _workspace(tmp_path: Path, annotations: str) -> Path:
    """The demo Blueprint of `write_workspace`, its template requiring `host`, which
    values.yaml and both ci/ files lack."""
    chart = (
        "apiVersion: v2\nname: bp-demo\nversion: 1.0.0\nannotations:\n"
        '  catalyst.openova.io/no-upstream: "true"\n' + annotations
    )
    return write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\n"},
        extra={
            f"{CHART}/Chart.yaml": chart,
            f"{CHART}/templates/configmap.yaml": CONFIGMAP,
            f"{CHART}/ci/big-values.yaml": "replicas: 3\n",
            f"{CHART}/ci/ha-values.yaml": "replicas: 2\n",
        },
    )


def _found(root: Path) -> list[tuple[str, str, int]]:
    result = lint([root], root=root, select={"BPG003", "BPG012"})
    return [(d.rule, d.location.file, d.location.line) for d in result.active]


def test_a_failure_every_render_meets_is_one_finding(tmp_path: Path) -> None:
    assert _found(_workspace(tmp_path, "")) == [("BPG003", f"{CHART}/templates/configmap.yaml", 10)]


def test_a_required_value_each_overlay_of_a_requires_overlay_chart_lacks(
    tmp_path: Path,
) -> None:
    """The default render's `required` failure is expected here (BPG003 is silent); the
    ci/ files are the overlays meant to give `host`, and each that does not is reported."""
    mode = "  catalyst.openova.io/smoke-render-mode: requires-overlay\n"
    assert _found(_workspace(tmp_path, mode)) == [
        ("BPG012", f"{CHART}/templates/configmap.yaml", 10),
        ("BPG012", f"{CHART}/templates/configmap.yaml", 10),
    ]
