"""A monitoring toggle behind its map's own `enabled` switch is wired.

ingress-nginx renders its ServiceMonitor only with `controller.metrics.enabled` and
`controller.metrics.serviceMonitor.enabled` both true, as most upstream charts gate
theirs. BPG006 switched the toggle on alone, saw nothing, and called it not wired; it
now tries again with the enclosing `enabled` switches on before it says so, and a
PrometheusRule toggle with a rule to render too (bitnami keycloak renders none without)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.lint.replay import recording_renders
from blueprintc.lint import lint
from tests.cli.helpers import HELM_LABELS, write_workspace
from tests.lint.test_upstream_objects import CHART, UPSTREAM_CHART, wrapper

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


def _demo(tmp_path: Path, values: str, templates: dict[str, str]) -> Path:
    """A workspace whose Blueprint `demo` has `values` and `templates`, and the metrics
    Service that `metrics.enabled` opens."""
    chart = "blueprints/demo/chart/templates"
    files = {"metrics-service.yaml": METRICS_SERVICE, **templates}
    return write_workspace(
        tmp_path / "ws",
        {"demo": values},
        extra={f"{chart}/{name}": text for name, text in files.items()},
    )


def test_a_toggle_gated_on_its_maps_enabled_switch_too_is_wired(tmp_path: Path) -> None:
    workspace = _demo(tmp_path, VALUES, {"servicemonitor.yaml": MONITOR})
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
    workspace = _demo(tmp_path, RULE_VALUES, {"prometheusrule.yaml": RULES})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == []


def test_a_rule_toggle_wired_to_nothing_is_still_reported(tmp_path: Path) -> None:
    rules = RULES.replace(".Values.metrics.prometheusRule.groups }}", ".Values.never }}", 1)
    workspace = _demo(tmp_path, RULE_VALUES, {"prometheusrule.yaml": rules})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == [
        (
            5,
            "metrics.prometheusRule.enabled=true renders no PrometheusRule: "
            "the toggle is not wired",
        )
    ]


# prometheus-blackbox-exporter 11.17.2's: one ServiceMonitor per target, none by default.
PER_TARGET = (
    "{{- if .Values.serviceMonitor.enabled }}\n{{- range .Values.serviceMonitor.targets }}\n"
    "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
    "  name: {{ $.Release.Name }}-{{ .name }}\nspec:\n  endpoints: [{port: http}]\n"
    "  selector: {matchLabels: {app: x}}\n{{- end }}\n{{- end }}\n"
)
PER_TARGET_DEFAULTS = "serviceMonitor:\n  enabled: false\n  targets: []\n"


def _per_target_wrapper(tmp_path: Path, toggle: str) -> Path:
    values = f"replicas: 1\nupstream-app:\n  {toggle}:\n    enabled: false\n"
    upstream = {"values.yaml": PER_TARGET_DEFAULTS, "templates/servicemonitor.yaml": PER_TARGET}
    return wrapper(tmp_path, values, {}, upstream)


def test_an_upstream_toggle_its_templates_read_is_wired_though_it_waits_for_data(
    tmp_path: Path,
) -> None:
    workspace = _per_target_wrapper(tmp_path, "serviceMonitor")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == []


def test_an_unpacked_upstreams_templates_are_read_too(tmp_path: Path) -> None:
    workspace = _per_target_wrapper(tmp_path, "serviceMonitor")
    charts = workspace / CHART / "charts"
    unpacked = charts / "upstream-app"
    (unpacked / "templates").mkdir(parents=True)
    (unpacked / "Chart.yaml").write_text(UPSTREAM_CHART)
    (unpacked / "values.yaml").write_text(PER_TARGET_DEFAULTS)
    (unpacked / "templates" / "servicemonitor.yaml").write_text(PER_TARGET)
    (charts / "upstream-app-1.0.0.tgz").unlink()
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == []


def test_a_toggle_no_template_of_the_upstream_reads_is_not_wired(tmp_path: Path) -> None:
    """`upstream-app.podMonitor.enabled`: the upstream has no such value."""
    workspace = _per_target_wrapper(tmp_path, "podMonitor")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == [
        (4, "upstream-app.podMonitor.enabled=true renders no PodMonitor: the toggle is not wired")
    ]
    assert result.active[0].hint == (
        "no template of the upstream upstream-app reads `.Values.podMonitor.enabled`: it is "
        "not upstream-app's toggle. Remove it from under `upstream-app:`, or set the toggle "
        "upstream-app has (its values.yaml lists them)"
    )


def test_with_every_toggle_off_in_values_the_render_with_the_api_is_made_once(
    tmp_path: Path,
) -> None:
    """Render 3 (every toggle false) is the defaults' render when values.yaml has them all
    false, and so is a `change` toggle's baseline: one render, not two (a chart can take
    seconds a render: bitnami etcd makes a 4096-bit RSA key in each)."""
    values = "replicas: 1\nmetrics:\n  enabled: false\n  serviceMonitor:\n    enabled: false\n"
    workspace = _demo(tmp_path, values, {"servicemonitor.yaml": MONITOR})
    with recording_renders() as recording:
        result = lint([workspace], root=workspace, jobs=1, in_workers=False, select={"BPG006"})
    assert result.active == []
    [job] = recording.plan()
    rendered = [
        (json.dumps(values, sort_keys=True), "monitoring.coreos.com/v1" in apis)
        for values, apis in zip(job.values, job.api_versions, strict=True)
    ]
    on, both = {"enabled": True}, {"enabled": True, "serviceMonitor": {"enabled": True}}
    assert sorted(rendered) == sorted(
        [
            ("null", False),  # the default render
            ("null", True),  # render 3, and `metrics.enabled`'s baseline
            (json.dumps({"metrics": on}), True),
            (json.dumps({"metrics": {"serviceMonitor": on}}), True),
            (json.dumps({"metrics": both}), True),  # behind its `metrics.enabled` gate
        ]
    )


def test_a_rule_toggle_whose_chart_refuses_the_probe_rule_is_tried_without_it(
    tmp_path: Path,
) -> None:
    """A chart whose `rules` is a map of its own shape fails with the probe's list: the
    toggle is judged by the render with its gates alone."""
    rules = (
        "{{- if and .Values.metrics.enabled .Values.metrics.prometheusRule.enabled }}\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n"
        "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n  groups:\n"
        "    - name: extra\n"
        "      rules: {{ .Values.metrics.prometheusRule.rules.extra | toJson }}\n"
        "{{- end }}\n"
    )
    values = RULE_VALUES.replace("groups: []", "rules: {extra: []}")
    workspace = _demo(tmp_path, values, {"prometheusrule.yaml": rules})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message) for d in result.active] == []


def test_a_toggle_of_an_upstreams_own_subchart_is_not_called_misplaced(tmp_path: Path) -> None:
    """`upstream-app.nested.serviceMonitor.enabled` is the toggle of the upstream's own
    subchart `nested` (kube-prometheus-stack's `grafana`), whose templates are not read:
    not wired, with the rule's own hint, never 'not the upstream's toggle'."""
    values = "replicas: 1\nupstream-app:\n  nested:\n    serviceMonitor:\n      enabled: false\n"
    nested = {
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: own\n",
        "charts/nested/Chart.yaml": "apiVersion: v2\nname: nested\nversion: 1.0.0\n",
        "charts/nested/values.yaml": PER_TARGET_DEFAULTS,
        "charts/nested/templates/servicemonitor.yaml": PER_TARGET,
    }
    workspace = wrapper(tmp_path, values, {}, nested)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    [found] = result.active
    assert found.message == (
        "upstream-app.nested.serviceMonitor.enabled=true renders no ServiceMonitor: "
        "the toggle is not wired"
    )
    assert "not upstream-app's toggle" not in found.hint


def test_a_toggle_no_template_names_is_told_to_get_its_template_or_go(tmp_path: Path) -> None:
    """Three charts of the real platform repository: `serviceMonitor.enabled: false` in
    values.yaml and no template that reads it. Gating an object is no fix: there is none."""
    values = "replicas: 1\nmetrics:\n  enabled: false\nserviceMonitor:\n  enabled: false\n"
    workspace = _demo(tmp_path, values, {})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [(d.location.line, d.message, d.hint) for d in result.active] == [
        (
            5,
            "serviceMonitor.enabled=true renders no ServiceMonitor: the toggle is not wired",
            "no template of the chart reads `.Values.serviceMonitor`: add the ServiceMonitor "
            "the toggle promises, gated on it (`{{- if .Values.serviceMonitor.enabled }}`), "
            "or remove `serviceMonitor:` from values.yaml",
        )
    ]


def test_a_toggle_a_template_names_keeps_the_gating_hint(tmp_path: Path) -> None:
    """The PodMonitor toggle's map, `metrics`, is read by the metrics Service: the hint is
    the rule's own (gate the object on the toggle)."""
    workspace = _demo(tmp_path, VALUES, {"servicemonitor.yaml": MONITOR})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG006"})
    assert [d.hint for d in result.active] == [
        "gate each monitoring object on its toggle in the template "
        "(`{{- if .Values.serviceMonitor.enabled }}`)"
    ]
