"""A monitoring toggle behind its map's own `enabled` switch is wired.

ingress-nginx renders its ServiceMonitor only with `controller.metrics.enabled` and
`controller.metrics.serviceMonitor.enabled` both true, as most upstream charts gate
theirs. BPG006 switched the toggle on alone, saw nothing, and called it not wired; it
now tries again with the enclosing `enabled` switches on before it says so, and a
PrometheusRule toggle with a rule to render too (bitnami keycloak renders none without)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import HELM_LABELS, write_workspace

VALUES = """\
replicas: 1
metrics:
  enabled: false
  serviceMonitor:
    enabled: false
  podMonitor:
    enabled: false
"""
MONITOR = (
    "{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled }}\n"
    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
    "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n  endpoints: [{port: metrics}]\n"
    "  selector: {matchLabels: {app: x}}\n{{- end }}\n"
)


# `metrics.enabled` opens the metrics port, as ingress-nginx's does.
METRICS_SERVICE = (
    "{{- if .Values.metrics.enabled }}\n"
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-metrics\n"
    + HELM_LABELS
    + "spec:\n  ports: [{name: metrics, port: 10254}]\n  selector: {app: x}\n{{- end }}\n"
)


def test_a_toggle_gated_on_its_maps_enabled_switch_too_is_wired(tmp_path: Path) -> None:
    templates = "blueprints/demo/chart/templates"
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": VALUES},
        extra={
            f"{templates}/servicemonitor.yaml": MONITOR,
            f"{templates}/metrics-service.yaml": METRICS_SERVICE,
        },
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    # the PodMonitor toggle renders nothing, gates or not: still not wired
    assert [(d.location.file, d.location.line, d.message) for d in result.active] == [
        (
            "blueprints/demo/chart/values.yaml",
            7,
            "metrics.podMonitor.enabled=true renders no PodMonitor: the toggle is not wired",
        )
    ]


# bitnami keycloak 25.4.0's: no PrometheusRule without a rule group to put in it.
RULE_VALUES = """\
replicas: 1
metrics:
  enabled: false
  prometheusRule:
    enabled: false
    groups: []
"""
RULES = (
    "{{- if and .Values.metrics.enabled .Values.metrics.prometheusRule.enabled"
    " .Values.metrics.prometheusRule.groups }}\n"
    "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n"
    "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n"
    "  groups: {{- toYaml .Values.metrics.prometheusRule.groups | nindent 4 }}\n{{- end }}\n"
)


def test_a_rule_toggle_that_renders_only_with_rules_to_render_is_wired(tmp_path: Path) -> None:
    templates = "blueprints/demo/chart/templates"
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": RULE_VALUES},
        extra={
            f"{templates}/prometheusrule.yaml": RULES,
            f"{templates}/metrics-service.yaml": METRICS_SERVICE,
        },
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == []


def test_a_rule_toggle_wired_to_nothing_is_still_reported(tmp_path: Path) -> None:
    rules = RULES.replace(".Values.metrics.prometheusRule.groups }}", ".Values.never }}", 1)
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": RULE_VALUES},
        extra={
            "blueprints/demo/chart/templates/prometheusrule.yaml": rules,
            "blueprints/demo/chart/templates/metrics-service.yaml": METRICS_SERVICE,
        },
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == [
        (
            5,
            "metrics.prometheusRule.enabled=true renders no PrometheusRule: "
            "the toggle is not wired",
        )
    ]
