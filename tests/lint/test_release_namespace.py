"""BPG022: a chart that renders the Namespace it is installed into, which every
HelmRelease compile emits creates first: Flux's Helm takes it over, and an uninstall
deletes the namespace with everything in it."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import CLEAN_VALUES, HELM_LABELS, write_workspace

CHART = "blueprints/monitoring/chart"
TEMPLATE = f"{CHART}/templates/namespace.yaml"


def _namespace(name: str) -> str:
    """A Namespace named `name` (line 4), labelled as the canon wants."""
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n" + HELM_LABELS


def _found(tmp_path: Path, extra: dict[str, str]) -> list[tuple[str, int, str]]:
    workspace = write_workspace(tmp_path / "ws", {"monitoring": CLEAN_VALUES}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG022"})
    return [(d.location.file, d.location.line, d.message) for d in result.active]


def test_the_release_namespace_rendered_by_the_chart_is_reported_at_its_name(
    tmp_path: Path,
) -> None:
    [(file, line, message)] = _found(tmp_path, {TEMPLATE: _namespace("{{ .Release.Namespace }}")})
    assert (file, line) == (TEMPLATE, 4)
    assert message.startswith("Namespace monitoring is the namespace the release installs into")
    assert "deletes the namespace and everything in it" in message


def test_a_namespace_helm_keeps_or_makes_as_a_hook_is_left_alone(tmp_path: Path) -> None:
    """Neither is deleted with the release (a hook is no object of it)."""
    for name, annotation in (
        ("keep", '"helm.sh/resource-policy": keep'),
        ("hook", '"helm.sh/hook": pre-install'),
    ):
        extra = f"  annotations:\n    {annotation}\n"
        namespace = _namespace("{{ .Release.Namespace }}").replace(HELM_LABELS, HELM_LABELS + extra)
        assert _found(tmp_path / name, {TEMPLATE: namespace}) == [], name


def test_a_fixed_name_is_left_to_the_kit_entry_that_chooses_the_namespace(
    tmp_path: Path,
) -> None:
    """`monitoring` is the namespace lint renders into, but the chart does not follow
    the release: installed elsewhere (the kit entry's targetNamespace), it is no clash."""
    assert _found(tmp_path, {TEMPLATE: _namespace("monitoring")}) == []


def test_other_namespaces_the_chart_creates_are_left_alone(tmp_path: Path) -> None:
    other = _namespace("{{ .Release.Namespace }}-probes")
    assert _found(tmp_path, {TEMPLATE: other}) == []


def test_a_requires_overlay_chart_is_rendered_elsewhere_with_its_ci_values(
    tmp_path: Path,
) -> None:
    """The default render fails by design; the CI overlay turns the Namespace on, and the
    second render, into another namespace, must use the same values to see it follow."""
    chart_yaml = (
        "apiVersion: v2\nname: bp-monitoring\nversion: 1.0.0\nannotations:\n"
        '  catalyst.openova.io/no-upstream: "true"\n'
        "  catalyst.openova.io/smoke-render-mode: requires-overlay\n"
    )
    template = (
        '{{- $host := required "host is required" .Values.host }}\n'
        "{{- if .Values.namespace.create }}\n"
        + _namespace("{{ .Release.Namespace }}")
        + "{{- end }}\n"
    )
    extra = {
        f"{CHART}/Chart.yaml": chart_yaml,
        TEMPLATE: template,
        f"{CHART}/values.yaml": "replicas: 1\nhost: ''\nnamespace:\n  create: false\n",
        f"{CHART}/ci/default-values.yaml": "host: g.example.org\nnamespace:\n  create: true\n",
    }
    [(file, line, _)] = _found(tmp_path, extra)
    assert (file, line) == (TEMPLATE, 6)


def test_a_namespace_a_ci_values_file_turns_on_is_reported_naming_the_file(
    tmp_path: Path,
) -> None:
    template = "{{- if .Values.createNamespace }}\n" + _namespace("{{ .Release.Namespace }}")
    extra = {
        TEMPLATE: template + "{{- end }}\n",
        f"{CHART}/ci/namespace-values.yaml": "createNamespace: true\n",
    }
    [(file, line, message)] = _found(tmp_path, extra)
    assert (file, line) == (TEMPLATE, 5)
    assert message.endswith("(rendered with ci/namespace-values.yaml)")
