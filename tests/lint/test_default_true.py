"""BPG018: a boolean value read through `default true` cannot be turned off (Helm's
`default` takes false as empty): at the `default`, saying what values.yaml holds."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.chart_refusals import SETTINGS_HEAD

TEMPLATE = "blueprints/demo/chart/templates/settings.yaml"
SETTINGS = SETTINGS_HEAD + '  tls: "{{ .Values.tls.enabled | default true }}"\n'


def _found(tmp_path: Path, values: str) -> list[tuple[int, int, str, str]]:
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={TEMPLATE: SETTINGS})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG018"})
    return [(d.location.line, d.location.column, d.message, d.hint or "") for d in result.active]


def test_a_value_values_yaml_sets_true_is_reported_at_the_default(tmp_path: Path) -> None:
    [(line, column, message, hint)] = _found(tmp_path, "replicas: 1\ntls:\n  enabled: true\n")
    assert (line, column) == (10, 34)
    assert message == (
        "`.Values.tls.enabled` is read through `default true`: Helm's `default` takes false "
        "as empty, so `tls.enabled: false` renders true, and nothing can turn the setting "
        "off (values.yaml sets it true)"
    )
    assert hint.startswith("drop `default true` and give the default in values.yaml")


def test_values_yamls_own_false_is_said_to_render_true_already(tmp_path: Path) -> None:
    [(_, _, message, _)] = _found(tmp_path, "replicas: 1\ntls:\n  enabled: false\n")
    assert message.endswith("(values.yaml's own `false` renders true already)")


def test_an_empty_string_placeholder_is_reported(tmp_path: Path) -> None:
    """prometheus-node-exporter's `filterRunning: ""` read through `default true`."""
    [(_, _, message, _)] = _found(tmp_path, 'replicas: 1\ntls:\n  enabled: ""\n')
    assert message.endswith('(values.yaml leaves it empty, `""`)')


def test_a_value_that_is_no_boolean_is_left_alone(tmp_path: Path) -> None:
    assert _found(tmp_path, "replicas: 1\ntls:\n  enabled: required\n") == []
