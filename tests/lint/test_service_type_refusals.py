"""A chart whose values make its Service a ClusterIP one while keeping a field only a
NodePort or LoadBalancer Service takes fails lint (BPG012), at the template line that
writes the field (the template writes the key; values.yaml only its value): the Traefik
values with `type: ClusterIP` and `externalTrafficPolicy: Local` that the API server
refused."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import HELM_LABELS
from tests.input.test_bad_input import DEMO, VALUES, demo
from tests.lint.chart_refusals import bpg012

TEMPLATE = f"{DEMO}/chart/templates/service.yaml"
SERVICE = (
    """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
spec:
  type: {{ .Values.service.type }}
  {{- with .Values.service.externalTrafficPolicy }}
  externalTrafficPolicy: {{ . }}
  {{- end }}
  selector:
    app.kubernetes.io/name: {{ .Chart.Name }}
  ports:
    - name: http
      port: 80
      {{- with .Values.service.nodePort }}
      nodePort: {{ . }}
      {{- end }}
"""
)


def _bpg012(workspace: Path) -> list[tuple[str, int, int, str]]:
    return [(d["file"], d["line"], d["column"], d["message"]) for d in bpg012(workspace)]


def test_a_load_balancers_fields_on_a_cluster_ip_service_are_reported_where_written(
    tmp_path: Path,
) -> None:
    values = (
        "replicas: 1\nservice:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n"
        "  nodePort: 30080\n"
    )
    workspace = demo(tmp_path, {TEMPLATE: SERVICE, VALUES: values})
    found = _bpg012(workspace)
    assert [f[:3] for f in found] == [(TEMPLATE, 12, 3), (TEMPLATE, 20, 7)], found
    assert "spec.externalTrafficPolicy" in found[0][3]
    assert "may only be set for externally-accessible services" in found[0][3]
    assert "spec.ports[0].nodePort" in found[1][3]


def test_a_load_balancer_with_them_passes(tmp_path: Path) -> None:
    values = (
        "replicas: 1\nservice:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n"
        "  nodePort: 30080\n"
    )
    workspace = demo(tmp_path, {TEMPLATE: SERVICE, VALUES: values})
    assert _bpg012(workspace) == []
