"""The render guards of a chart whose default render is not the chart at work, as its
smoke-render mode allows: a requires-overlay chart stops at a value the per-cluster
overlay supplies, a default-off chart renders nothing. The guards render its
`ci/*values.yaml` instead; with none, BPG011 says they were skipped. Lint passed both
in silence, checking nothing they render (the platform's bp-knative, once annotated as
BPG003 advises; the reference catalog's bp-network-policies)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import CLEAN_VALUES, HELM_LABELS, write_workspace

CHART = "blueprints/gateway/chart"
CHART_YAML = (
    "apiVersion: v2\nname: bp-gateway\nversion: 1.0.0\nannotations:\n"
    '  catalyst.openova.io/no-upstream: "true"\n'
    "  catalyst.openova.io/smoke-render-mode: requires-overlay\n"
)
# Unlabelled (BPG008) once it renders.
TEMPLATE = (
    '{{- $host := required "host is required" .Values.host }}\n'
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    "data:\n  host: {{ $host }}\n"
)


def _lint(tmp_path: Path, extra: dict[str, str]) -> list[tuple[str, str, int, str, str]]:
    files = {
        f"{CHART}/Chart.yaml": CHART_YAML,
        f"{CHART}/templates/config.yaml": TEMPLATE,
        f"{CHART}/values.yaml": CLEAN_VALUES + "host: ''\n",
        **extra,
    }
    workspace = write_workspace(tmp_path / "ws", {"gateway": CLEAN_VALUES}, extra=files)
    result = lint([workspace], root=workspace, jobs=1)
    return [
        (d.rule, d.location.file, d.location.line, d.message, d.hint)
        for d in result.diagnostics
        if d.rule in ("BPG003", "BPG008", "BPG011")
    ]


def test_with_no_ci_values_the_guards_skipped_are_said_at_the_annotation(
    tmp_path: Path,
) -> None:
    [(rule, file, line, message, hint)] = _lint(tmp_path, {})
    assert (rule, file, line) == ("BPG011", f"{CHART}/Chart.yaml", 6)
    assert message.startswith(
        "the chart is annotated `catalyst.openova.io/smoke-render-mode: requires-overlay` "
        "and its default render stops at a value the overlay supplies (execution error at "
    )
    assert message.endswith(
        "it ships no ci/*values.yaml to render it with: guards skipped: observability "
        "renders (BPG006), recommended labels (BPG008), CRD checks (BPG009), release "
        "namespace (BPG022), rendered objects (BPG012)"
    )
    assert hint.startswith("add chart/ci/overlay-values.yaml with the values")


def test_with_ci_values_the_guards_run_on_them(tmp_path: Path) -> None:
    found = _lint(tmp_path, {f"{CHART}/ci/overlay-values.yaml": "host: g.example.org\n"})
    assert [(rule, line) for rule, _, line, _, _ in found] == [("BPG008", 4)]


def test_a_default_that_renders_needs_no_ci_values(tmp_path: Path) -> None:
    labelled = TEMPLATE.replace("  name: {{ .Release.Name }}\n", "  name: x\n" + HELM_LABELS)
    found = _lint(
        tmp_path,
        {
            f"{CHART}/templates/config.yaml": labelled,
            f"{CHART}/values.yaml": CLEAN_VALUES + "host: g.example.org\n",
        },
    )
    assert found == []


def test_with_dependencies_not_built_too_the_guards_are_not_said_to_have_run(
    tmp_path: Path,
) -> None:
    """The stand-in render of the chart's own templates stops at the overlay value as
    well: the dependencies finding says the guards did not run, not that they ran on
    the chart's own templates."""
    wrapper = CHART_YAML.replace('  catalyst.openova.io/no-upstream: "true"\n', "") + (
        "dependencies:\n  - name: upstream-app\n    version: 1.0.0\n"
        "    repository: https://charts.example.invalid\n"
    )
    found = _lint(tmp_path, {f"{CHART}/Chart.yaml": wrapper})
    assert [(rule, line) for rule, _, line, _, _ in found] == [("BPG011", 5), ("BPG011", 6)]
    dependencies = found[1][3]
    assert dependencies.startswith("dependencies not built: upstream-app 1.0.0 (")
    assert dependencies.endswith(
        "the chart's own templates, rendered with upstream-app stood in for, fail before "
        "the guards could run (that failure is a finding of its own): guards skipped: "
        "observability renders (BPG006), recommended labels (BPG008), CRD checks (BPG009)"
    )


GATED = (
    "{{- if .Values.enabled }}\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
    "data:\n  a: b\n{{- end }}\n"
)
DEFAULT_OFF = {
    f"{CHART}/Chart.yaml": CHART_YAML.replace("requires-overlay", "default-off"),
    f"{CHART}/templates/config.yaml": GATED,
    f"{CHART}/templates/configmap.yaml": "",  # the workspace's own, ungated
    f"{CHART}/values.yaml": CLEAN_VALUES + "enabled: false\n",
}


def test_a_default_off_chart_with_no_ci_values_is_checked_with_its_gate_on(
    tmp_path: Path,
) -> None:
    """`enabled: true`, the canon's master gate, turns it on: the unlabelled ConfigMap
    behind the gate is found."""
    found = _lint(tmp_path, DEFAULT_OFF)
    assert [(rule, file, line) for rule, file, line, _, _ in found] == [
        ("BPG008", f"{CHART}/templates/config.yaml", 4)
    ]


def test_a_default_off_chart_that_renders_nothing_turned_on_says_its_guards_were_skipped(
    tmp_path: Path,
) -> None:
    """Its objects come from a list the overlay fills (the reference catalog's
    bp-network-policies: `namespaces: []`): nothing the chart renders was checked."""
    listed = GATED.replace("{{- if .Values.enabled }}", "{{- range .Values.names }}")
    extra = {
        **DEFAULT_OFF,
        f"{CHART}/templates/config.yaml": listed,
        f"{CHART}/values.yaml": CLEAN_VALUES + "enabled: false\nnames: []\n",
    }
    [(rule, file, line, message, hint)] = _lint(tmp_path, extra)
    assert (rule, file, line) == ("BPG011", f"{CHART}/Chart.yaml", 6)
    assert message == (
        "the chart is annotated `catalyst.openova.io/smoke-render-mode: default-off` and it "
        "renders no object with its defaults (its gate is off by design) or with `enabled: "
        "true`; it ships no ci/*values.yaml to render it with: guards skipped: recommended "
        "labels (BPG008), CRD checks (BPG009), release namespace (BPG022), rendered objects "
        "(BPG012)"
    )
    assert hint.startswith("add chart/ci/overlay-values.yaml with values that turn it on")


def test_a_toggle_behind_the_master_gate_of_a_default_off_chart_is_wired(
    tmp_path: Path,
) -> None:
    """Tried with its gate off, the ServiceMonitor toggle rendered nothing and BPG006
    cried "not wired"; tried with `enabled: true` as well, it renders its object."""
    monitor = (
        "{{- if and .Values.enabled .Values.serviceMonitor.enabled }}\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
        "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n  selector: {}\n"
        "  endpoints: [{port: metrics}]\n{{- end }}\n"
    )
    extra = {
        **DEFAULT_OFF,
        f"{CHART}/templates/config.yaml": "",
        f"{CHART}/templates/monitor.yaml": monitor,
        f"{CHART}/values.yaml": CLEAN_VALUES
        + "enabled: false\nserviceMonitor:\n  enabled: false\n",
    }
    workspace = write_workspace(tmp_path / "ws", {"gateway": CLEAN_VALUES}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1)
    assert [d.rule for d in result.diagnostics if d.severity.label != "info"] == []


def test_a_default_off_chart_is_checked_turned_on_by_its_ci_values(tmp_path: Path) -> None:
    turned_on = {**DEFAULT_OFF, f"{CHART}/ci/enabled-values.yaml": "enabled: true\n"}
    found = _lint(tmp_path, turned_on)
    assert [(rule, file, line) for rule, file, line, _, _ in found] == [
        ("BPG008", f"{CHART}/templates/config.yaml", 4)
    ]


def test_a_default_off_chart_that_renders_objects_anyway_is_checked_on_them(
    tmp_path: Path,
) -> None:
    """Not all of it behind the gate: nothing skipped, the gated ConfigMap found too."""
    ungated = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n" + HELM_LABELS
    found = _lint(tmp_path, {**DEFAULT_OFF, f"{CHART}/templates/account.yaml": ungated})
    assert [(rule, line) for rule, _, line, _, _ in found] == [("BPG008", 4)]


def test_a_guard_that_renders_again_renders_with_the_gate_on_too(tmp_path: Path) -> None:
    """BPG022 renders the chart a second time, into another namespace, to see the
    Namespace follow `.Release.Namespace`: with the values of the render it checked
    (the gate on), not the defaults, where the Namespace is gone."""
    namespace = (
        "{{- if .Values.enabled }}\napiVersion: v1\nkind: Namespace\nmetadata:\n"
        "  name: {{ .Release.Namespace }}\n" + HELM_LABELS + "{{- end }}\n"
    )
    extra = {**DEFAULT_OFF, f"{CHART}/templates/config.yaml": namespace}
    workspace = write_workspace(tmp_path / "ws", {"gateway": CLEAN_VALUES}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG022"})
    assert [(d.location.file, d.location.line) for d in result.active] == [
        (f"{CHART}/templates/config.yaml", 5)
    ]


def test_a_default_off_chart_that_needs_more_than_its_gate_has_its_toggles_skipped(
    tmp_path: Path,
) -> None:
    """Turned on, it stops at a `required` value the overlay supplies: its toggles cannot
    be tried (BPG006 said "rendering with serviceMonitor.enabled=true fails"), and
    BPG011 says why nothing was checked."""
    monitor = (
        "{{- if .Values.enabled }}\n"
        '{{- $host := required "host is required" .Values.host }}\n'
        "{{- if .Values.serviceMonitor.enabled }}\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n"
        "  name: {{ .Release.Name }}\n" + HELM_LABELS + "spec:\n  selector: {}\n"
        "  endpoints: [{port: metrics}]\n{{- end }}\n{{- end }}\n"
    )
    extra = {
        **DEFAULT_OFF,
        f"{CHART}/templates/config.yaml": monitor,
        f"{CHART}/values.yaml": CLEAN_VALUES
        + "enabled: false\nhost: ''\nserviceMonitor:\n  enabled: false\n",
    }
    workspace = write_workspace(tmp_path / "ws", {"gateway": CLEAN_VALUES}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1)
    [skipped] = [d for d in result.diagnostics if d.rule == "BPG011"]
    assert [d.rule for d in result.diagnostics if d.severity.label != "info"] == []
    assert (
        "it renders no object with its defaults (its gate is off by design), and with "
        "`enabled: true` it does not render (execution error at " in skipped.message
    )
    assert "guards skipped: observability renders (BPG006), recommended labels" in (skipped.message)
