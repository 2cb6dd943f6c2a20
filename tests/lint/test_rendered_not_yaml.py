"""A chart whose default render is not YAML (`key: {{ .Values.a }}-{{ .Values.b }}`
with neither value set renders `key: -`): `helm template` refuses it, so lint reports
BPG003 at the template line and column that made the bad line, and every other rule
that reads the render's objects goes on without it, never a traceback."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint

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
GOOD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  replicas: "{{ .Values.replicas }}"
"""
BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-labels
  labels:
    openova.io/environment: {{ .Values.organization }}-{{ .Values.envType }}
"""


def _workspace(root: Path) -> Path:
    (root / "blueprintc.yaml").parent.mkdir(parents=True)
    (root / "blueprintc.yaml").write_text(
        "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n"
    )
    chart = root / "blueprints" / "demo" / "chart"
    (chart / "templates").mkdir(parents=True)
    (root / "blueprints" / "demo" / "blueprint.yaml").write_text(BLUEPRINT)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: bp-demo\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("replicas: 1\n")
    (chart / "templates" / "cm.yaml").write_text(GOOD)
    (chart / "templates" / "labels.yaml").write_text(BAD)
    return root


def test_a_default_render_that_is_not_yaml_is_bpg003_at_the_template_line(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path / "ws")
    result = lint([workspace], root=workspace, jobs=1)
    smoke = [d for d in result.active if d.rule == "BPG003"]
    assert [(d.location.file, d.location.line, d.location.column) for d in smoke] == [
        ("blueprints/demo/chart/templates/labels.yaml", 6, 29)
    ]
    message = smoke[0].message
    assert "templates/labels.yaml is not YAML" in message
    assert "`openova.io/environment: -`" in message
    assert "quote" in smoke[0].hint


def test_the_same_chart_with_its_values_set_is_clean_of_bpg003(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "ws")
    values = workspace / "blueprints" / "demo" / "chart" / "values.yaml"
    values.write_text("replicas: 1\norganization: acme\nenvType: prod\n")
    result = lint([workspace], root=workspace, jobs=1)
    assert [d for d in result.active if d.rule == "BPG003"] == []
