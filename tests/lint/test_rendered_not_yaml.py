"""A chart whose default render is not YAML (`key: {{ .Values.a }}-{{ .Values.b }}`
with neither value set renders `key: -`): `helm template` refuses it, so lint reports
BPG003 at the template line and column that made the bad line, and every other rule
that reads the render's objects goes on without it, never a traceback."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace

LABELS = "blueprints/demo/chart/templates/labels.yaml"
BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-labels
  labels:
    openova.io/environment: {{ .Values.organization }}-{{ .Values.envType }}
"""


def test_a_default_render_that_is_not_yaml_is_bpg003_at_the_template_line(
    tmp_path: Path,
) -> None:
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"}, extra={LABELS: BAD})
    result = lint([workspace], root=workspace, jobs=1)
    assert [
        (d.rule, d.location.file, d.location.line, d.location.column) for d in result.active
    ] == [("BPG003", LABELS, 6, 29)]
    message = result.active[0].message
    assert "templates/labels.yaml is not YAML" in message
    assert "`openova.io/environment: -`" in message
    assert "quote" in result.active[0].hint


def test_with_its_values_set_the_template_is_yaml_and_its_object_is_checked(
    tmp_path: Path,
) -> None:
    """No BPG003 then, and the ConfigMap the bad render hid is checked like any other:
    it lacks the app.kubernetes.io labels (BPG008)."""
    values = "replicas: 1\norganization: acme\nenvType: prod\n"
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={LABELS: BAD})
    result = lint([workspace], root=workspace, jobs=1)
    assert [(d.rule, d.location.file) for d in result.active] == [("BPG008", LABELS)]


def test_a_ci_values_file_whose_render_is_not_yaml_is_bpg012_at_the_template_line(
    tmp_path: Path,
) -> None:
    """Defaults render YAML; `ci/empty-values.yaml` unsets both values, so chart-testing's
    install with it would fail: BPG012, at the same template line, naming the file."""
    values = "replicas: 1\norganization: acme\nenvType: prod\n"
    ci = "organization: null\nenvType: null\n"  # null deletes a default, in Helm
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": values},
        extra={LABELS: BAD, "blueprints/demo/chart/ci/empty-values.yaml": ci},
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"})
    found = [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [("BPG012", LABELS, 6, 29)]
    assert result.active[0].message.startswith(
        "render with ci/empty-values.yaml failed: templates/labels.yaml is not YAML"
    )
    assert "quote" in result.active[0].hint


def test_a_template_not_yaml_under_defaults_and_ci_alike_is_reported_once(
    tmp_path: Path,
) -> None:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\n"},
        extra={LABELS: BAD, "blueprints/demo/chart/ci/more-values.yaml": "replicas: 2\n"},
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"})
    assert [(d.rule, d.location.line) for d in result.active] == [("BPG003", 6)]


TRACING = "blueprints/demo/chart/templates/tracing.yaml"
TRACING_BAD = """\
{{- if .Values.tracing.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-tracing
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
data:
  endpoint: {{ .Values.tracing.host }}-{{ .Values.tracing.port }}
{{- end }}
"""


def test_an_opt_in_render_that_is_not_yaml_is_bpg006_at_the_template_line(
    tmp_path: Path,
) -> None:
    """`tracing.enabled=true` (an observability toggle) renders `endpoint: -`, which
    Helm refuses: the Sovereign's overlay that switches tracing on would fail to
    install. BPG006 says so once, at the template line, not also 'not wired'."""
    values = "replicas: 1\ntracing:\n  enabled: false\n"
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={TRACING: TRACING_BAD})
    result = lint([workspace], root=workspace, jobs=1)
    found = [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [("BPG006", TRACING, 11, 13)]
    assert result.active[0].message.startswith(
        "rendering with tracing.enabled=true fails: templates/tracing.yaml is not YAML"
    )
    assert "`endpoint: -`" in result.active[0].message
    assert "quote" in result.active[0].hint


TRACING_FAILS = """\
{{- if .Values.tracing.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-tracing
data:
  endpoint: {{ required "set tracing.endpoint" .Values.tracing.endpoint }}
{{- end }}
"""


def test_an_opt_in_render_that_fails_is_bpg006_at_the_failing_template_line(
    tmp_path: Path,
) -> None:
    """Helm names the template line that failed: the fix is made there (or in the
    values), so that is where the finding is, not at the toggle."""
    values = "replicas: 1\ntracing:\n  enabled: false\n"
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={TRACING: TRACING_FAILS})
    result = lint([workspace], root=workspace, jobs=1)
    found = [(d.rule, d.location.file, d.location.line) for d in result.active]
    assert found == [("BPG006", TRACING, 7)]
    message = result.active[0].message
    assert message.startswith("rendering with tracing.enabled=true fails: ")
    assert "set tracing.endpoint" in message


def test_with_the_values_set_the_opt_in_render_is_yaml_and_the_toggle_is_wired(
    tmp_path: Path,
) -> None:
    values = 'replicas: 1\ntracing:\n  enabled: false\n  host: otel\n  port: "4317"\n'
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={TRACING: TRACING_BAD})
    result = lint([workspace], root=workspace, jobs=1)
    assert result.active == []


API_ONLY = "blueprints/demo/chart/templates/with-operator.yaml"
API_ONLY_NOT_YAML = """\
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-operator
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
data:
  scrape: {{ .Values.scrapeHost }}-{{ .Values.scrapePort }}
{{- end }}
"""
API_ONLY_FAILS = """\
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}
{{- fail "set scrape.namespace for the Prometheus Operator" }}
{{- end }}
"""
WIRED = 'replicas: 1\ntracing:\n  enabled: false\n  host: otel\n  port: "4317"\n'
TWO_TOGGLES = WIRED + "metrics:\n  enabled: false\n"
METRICS = "blueprints/demo/chart/templates/metrics.yaml"
METRICS_WIRED = TRACING_BAD.replace("tracing", "metrics").replace(
    "{{ .Values.metrics.host }}-{{ .Values.metrics.port }}", '"9090"'
)


def test_a_template_not_yaml_only_with_the_monitoring_api_is_one_bpg006_at_its_line(
    tmp_path: Path,
) -> None:
    """On a Sovereign running the Prometheus Operator the chart renders `scrape: -`:
    Helm refuses it whatever the toggles say. Reported once, as the API's doing, not
    once per toggle as if each toggle broke it."""
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": TWO_TOGGLES},
        extra={TRACING: TRACING_BAD, METRICS: METRICS_WIRED, API_ONLY: API_ONLY_NOT_YAML},
    )
    result = lint([workspace], root=workspace, jobs=1)
    found = [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [("BPG006", API_ONLY, 11, 11)]
    assert result.active[0].message.startswith(
        "with monitoring.coreos.com/v1 available and every toggle false (a Sovereign "
        "running the Prometheus Operator, observability off) the render fails: "
        "templates/with-operator.yaml is not YAML"
    )


def test_a_render_failing_only_with_the_monitoring_api_is_one_bpg006_at_its_line(
    tmp_path: Path,
) -> None:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": TWO_TOGGLES},
        extra={TRACING: TRACING_BAD, METRICS: METRICS_WIRED, API_ONLY: API_ONLY_FAILS},
    )
    result = lint([workspace], root=workspace, jobs=1)
    found = [(d.rule, d.location.file, d.location.line) for d in result.active]
    assert found == [("BPG006", API_ONLY, 2)]
    assert "set scrape.namespace for the Prometheus Operator" in result.active[0].message


def test_both_toggles_wired_and_nothing_broken_by_the_api_is_clean(tmp_path: Path) -> None:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": TWO_TOGGLES},
        extra={TRACING: TRACING_BAD, METRICS: METRICS_WIRED},
    )
    assert lint([workspace], root=workspace, jobs=1).active == []


def test_a_separator_glued_to_a_comment_is_yaml_as_helm_splits_it(tmp_path: Path) -> None:
    """cert-manager's rbac.yaml renders `---# Permission to approve ...`: YAML reads
    `---#` as text, Helm splits there (`SplitManifests`). Not BPG003; and the object
    after it is read, so its wrong field is found (BPG012)."""
    first = BAD.replace("{{ .Values.organization }}-{{ .Values.envType }}", "prod")
    second = first.replace("-labels", "-more").replace("metadata:", "metadata:\n  nmae: x", 1)
    text = first + "---# the second one\n" + second
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"}, extra={LABELS: text})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"})
    assert [(d.rule, d.location.line) for d in result.active] == [("BPG012", 11)]
    assert "nmae" in result.active[0].message
