"""A chart whose default values render an Ingress the API server refuses fails lint
(BPG012) at the template line that writes the refused part: `helm create`'s Ingress
template with `ingress.enabled: true` and no hosts renders `rules:` with none, and a
backend port given both a name and a number (at the `port:` of the rule the `range`
writes)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import HELM_LABELS
from tests.input.test_bad_input import DEMO, VALUES, demo
from tests.lint.chart_refusals import bpg012

TEMPLATE = f"{DEMO}/chart/templates/ingress.yaml"
INGRESS = (
    """\
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
spec:
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $.Release.Name }}
                port:
                  {{- toYaml $.Values.ingress.port | nindent 18 }}
    {{- end }}
{{- end }}
"""
)


def _bpg012(workspace: Path) -> list[tuple[str, int, str]]:
    return [(d["file"], d["line"], d["message"]) for d in bpg012(workspace)]


def test_an_enabled_ingress_without_hosts_is_reported_at_its_spec(tmp_path: Path) -> None:
    values = "replicas: 1\ningress:\n  enabled: true\n  hosts: []\n  port: {name: http}\n"
    workspace = demo(tmp_path, {TEMPLATE: INGRESS, VALUES: values})
    found = _bpg012(workspace)
    assert [f[:2] for f in found] == [(TEMPLATE, 10)], found
    assert "either `defaultBackend` or `rules` must be specified" in found[0][2]


def test_a_port_with_a_name_and_a_number_is_reported(tmp_path: Path) -> None:
    values = (
        "replicas: 1\ningress:\n  enabled: true\n  hosts: [{host: shop.example.org}]\n"
        "  port: {name: http, number: 80}\n"
    )
    workspace = demo(tmp_path, {TEMPLATE: INGRESS, VALUES: values})
    found = _bpg012(workspace)
    assert [f[:2] for f in found] == [(TEMPLATE, 21)], found  # `port:`, in the range's item
    assert "backend.service.port: Invalid value" in found[0][2]
    assert "cannot set both port name & port number" in found[0][2]


def test_a_host_with_its_port_by_name_passes(tmp_path: Path) -> None:
    values = (
        "replicas: 1\ningress:\n  enabled: true\n  hosts: [{host: shop.example.org}]\n"
        "  port: {name: http}\n"
    )
    workspace = demo(tmp_path, {TEMPLATE: INGRESS, VALUES: values})
    assert _bpg012(workspace) == []
