"""An object of a kind no schema describes (BPG013: a ServiceMonitor, a Certificate) still
has the metadata every object has, which the API server validates for a custom resource
as for any other: a label value `1.0` that is a number (`cannot unmarshal number into Go
struct field ObjectMeta.metadata.labels of type string`), a name that is no DNS subdomain.
lint checks that much of it (BPG012, at the template line), and says the rest is
unchecked (BPG013) as before."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from blueprintc.validate.objects import SchemaError, check_metadata
from tests.cli.helpers import HELM_LABELS, write_workspace

TEMPLATE = "blueprints/demo/chart/templates/monitor.yaml"
MONITOR = (
    """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
    app.kubernetes.io/version: {{ .Values.appVersion }}
spec:
  endpoints:
    - port: http
"""
)


def _findings(tmp_path: Path, template: str, values: str) -> list[tuple[str, int, str]]:
    workspace = write_workspace(tmp_path / "ws", {"demo": values}, extra={TEMPLATE: template})
    result = lint([workspace], root=workspace, jobs=1, select={"BPG012", "BPG013"})
    # BPG012's first (at the template), then BPG013's (at Chart.yaml)
    return sorted(((d.rule, d.location.line, d.message) for d in result.active), key=lambda f: f[0])


def test_a_number_among_a_custom_resources_labels_is_bpg012(tmp_path: Path) -> None:
    found = _findings(tmp_path, MONITOR, "replicas: 1\nappVersion: 2.5\n")
    assert found[0] == (
        "BPG012",
        9,
        "ServiceMonitor bp-demo: metadata.labels.app.kubernetes.io/version: 2.5 is not a "
        "string: quote it",
    )
    assert [rule for rule, _, _ in found[1:]] == ["BPG013"]  # the rest of it is unchecked


def test_a_quoted_version_passes_and_the_kind_stays_unchecked(tmp_path: Path) -> None:
    quoted = MONITOR.replace("{{ .Values.appVersion }}", "{{ .Values.appVersion | quote }}")
    found = _findings(tmp_path, quoted, "replicas: 1\nappVersion: 2.5\n")
    assert [rule for rule, _, _ in found] == ["BPG013"]


def test_a_custom_resource_named_as_no_object_may_be_is_bpg012(tmp_path: Path) -> None:
    named = MONITOR.replace("name: {{ .Release.Name }}", "name: {{ .Release.Name }}_Monitor")
    found = _findings(tmp_path, named, "replicas: 1\nappVersion: '1.0'\n")
    assert found[0][:2] == ("BPG012", 4)
    assert found[0][2].startswith(
        "ServiceMonitor bp-demo_Monitor: metadata.name: 'bp-demo_Monitor'"
    )


def test_the_metadata_check_on_its_own() -> None:
    body = {
        "apiVersion": "example.org/v1",
        "kind": "Widget",
        "metadata": {
            "name": "w",
            "labels": {"tier": "web", "replicas": 2, "empty": None},
            "annotations": {"enabled": True},
        },
    }
    assert check_metadata(body) == [
        SchemaError("metadata.annotations.enabled", "true is not a string: quote it"),
        SchemaError("metadata.labels.replicas", "2 is not a string: quote it"),
    ]
    assert check_metadata({"apiVersion": "example.org/v1", "kind": "Widget"}) == [
        SchemaError("metadata", "required field is missing")
    ]
    listed = {
        "apiVersion": "example.org/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "labels": ["a"]},
    }
    assert check_metadata(listed) == [
        SchemaError("metadata.labels", '["a"] is not a map of strings')
    ]
