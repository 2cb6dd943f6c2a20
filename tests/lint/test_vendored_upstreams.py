"""An upstream vendored in the repository (`file://../../../vendor/<name>`), named in
blueprint.yaml's `spec.upstream`, is the upstream, not the platform's own subchart.

Air-gapped platform repositories keep their upstream charts in Git and depend on them
by path. blueprintc took every `file://` chart inside the workspace for the platform's
own writing: velero vendored so got BPG009 once per object with "split the chart", and a
toggle its templates read but render nothing for until data is given (velero's
`metrics.prometheusRule`, blackbox-exporter's targets) was "not wired", as it is not
when the same chart is vendored in `charts/`. A `file://` library of the platform's own
(`lib/own-part`, not in `spec.upstream`) stays its own (test_upstream_objects)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace

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
  upstream:
    - name: upstream-app
      version: 1.0.0
  manifests:
    chart: ./chart
"""
WRAPPER = """\
apiVersion: v2
name: bp-demo
version: 1.0.0
dependencies:
  - name: upstream-app
    version: 1.0.0
    repository: file://../../../vendor/upstream-app
"""
VALUES = """\
catalystBlueprint:
  upstream:
    version: 1.0.0
upstream-app:
  serviceMonitor:
    enabled: false
"""
UNLABELLED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-upstream
data:
  a: "1"
  b: "2"
  c: "3"
"""
# One ServiceMonitor per target, none by default: the toggle waits for data.
MONITORS = """\
{{- if .Values.serviceMonitor.enabled }}
{{- range .Values.serviceMonitor.targets }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .name }}
spec:
  endpoints:
    - port: http
{{- end }}
{{- end }}
"""


UPSTREAM_CHART = "apiVersion: v2\nname: upstream-app\nversion: 1.0.0\n"


def _workspace(tmp_path: Path) -> Path:
    return write_workspace(
        tmp_path / "ws",
        {},
        extra={
            "blueprints/demo/blueprint.yaml": BLUEPRINT,
            f"{CHART}/Chart.yaml": WRAPPER,
            f"{CHART}/values.yaml": VALUES,
            "vendor/upstream-app/Chart.yaml": UPSTREAM_CHART,
            "vendor/upstream-app/values.yaml": "serviceMonitor:\n  enabled: false\n  targets: []\n",
            "vendor/upstream-app/templates/cm.yaml": UNLABELLED,
            "vendor/upstream-app/templates/servicemonitor.yaml": MONITORS,
        },
    )


def test_a_vendored_upstreams_templates_are_not_held_to_the_platforms_rules(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path)
    result = lint([workspace], root=workspace, jobs=1)
    assert [d.rule for d in result.active if d.severity.label in ("error", "warning")] == []
    # Named as the platform's own instead, the same chart is held to them
    blueprint = workspace / "blueprints/demo/blueprint.yaml"
    blueprint.write_text(BLUEPRINT.replace("upstream-app\n", "other-app\n"), encoding="utf-8")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006", "BPG008"})
    assert sorted(d.rule for d in result.active) == ["BPG006", "BPG008"]
