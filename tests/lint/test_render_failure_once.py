"""One mistake, one finding: a render failure that the default render meets too is
BPG003's alone, not reported again for every `ci/*values.yaml` render over it (BPG012);
but where BPG003 is silent by design (a `requires-overlay` chart's `required` value),
each ci/ file that fails to give the value is still reported."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint

CHART = "blueprints/demo/chart"
BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-demo
spec:
  version: 1.0.0
  card:
    title: Demo
  manifests:
    chart: ./chart
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
data:
  host: {{ required "host is required" .Values.host | quote }}
  replicas: {{ .Values.replicas | quote }}
"""


def _workspace(tmp_path: Path, annotations: str) -> Path:
    root = tmp_path / "ws"
    chart = root / CHART
    (chart / "templates").mkdir(parents=True)
    (chart / "ci").mkdir()
    (root / "blueprintc.yaml").write_text(
        "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n", encoding="utf-8"
    )
    (root / "blueprints" / "demo" / "blueprint.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: bp-demo\nversion: 1.0.0\nannotations:\n"
        '  catalyst.openova.io/no-upstream: "true"\n' + annotations,
        encoding="utf-8",
    )
    (chart / "values.yaml").write_text("replicas: 1\n", encoding="utf-8")
    (chart / "templates" / "cm.yaml").write_text(CONFIGMAP, encoding="utf-8")
    (chart / "ci" / "big-values.yaml").write_text("replicas: 3\n", encoding="utf-8")
    (chart / "ci" / "ha-values.yaml").write_text("replicas: 2\n", encoding="utf-8")
    return root


def _found(root: Path) -> list[tuple[str, str, int]]:
    result = lint([root], root=root, select={"BPG003", "BPG012"})
    return [(d.rule, d.location.file, d.location.line) for d in result.active]


def test_a_failure_every_render_meets_is_one_finding(tmp_path: Path) -> None:
    assert _found(_workspace(tmp_path, "")) == [("BPG003", f"{CHART}/templates/cm.yaml", 10)]


def test_a_required_value_each_overlay_of_a_requires_overlay_chart_lacks(
    tmp_path: Path,
) -> None:
    """The default render's `required` failure is expected here (BPG003 is silent); the
    ci/ files are the overlays meant to give `host`, and each that does not is reported."""
    mode = "  catalyst.openova.io/smoke-render-mode: requires-overlay\n"
    assert _found(_workspace(tmp_path, mode)) == [
        ("BPG012", f"{CHART}/templates/cm.yaml", 10),
        ("BPG012", f"{CHART}/templates/cm.yaml", 10),
    ]
