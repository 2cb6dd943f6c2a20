"""Objects a chart gates on a custom API are checked as a Sovereign serving it renders them.

The platform's charts wrap another Blueprint's custom resources in `{{- if
.Capabilities.APIVersions.Has "postgresql.cnpg.io/v1" }}` (powerdns's CloudNativePG
Cluster, external-dns's ExternalSecret, an Ingress gated on Traefik's Middleware API).
`helm template` answers no for every such API, so lint rendered none of those objects
and checked nothing in them, silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.lint import lint
from blueprintc.rules.guards.asked_apis import is_custom_api
from tests.cli.helpers import HELM_LABELS, write_workspace

CHART = "blueprints/demo/chart"
GATED_INGRESS = (
    """\
{{- if .Capabilities.APIVersions.Has "traefik.io/v1alpha1" }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}-api
"""
    + HELM_LABELS
    + """\
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .Release.Name }}
                port: 8080
{{- end }}
"""
)
GATED_CLUSTER = (
    """\
{{- if .Capabilities.APIVersions.Has "postgresql.cnpg.io/v1" }}
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: {{ .Release.Name }}-db
"""
    + HELM_LABELS
    + """\
spec:
  instances: 1
  storage:
    storageClass: {{ required "set db.storageClass" .Values.db.storageClass }}
{{- end }}
"""
)


def _workspace(tmp_path: Path, templates: dict[str, str], values: str = "replicas: 1\n") -> Path:
    files = {f"{CHART}/templates/{name}": text for name, text in templates.items()}
    return write_workspace(tmp_path / "ws", {"demo": values}, extra=files)


def _found(workspace: Path, rule: str) -> list[tuple[str, int, str]]:
    result = lint([workspace], root=workspace, jobs=1, select={rule})
    return [(d.location.file, d.location.line, d.message) for d in result.active]


def test_an_object_gated_on_a_custom_api_is_checked_with_that_api(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, {"ingress.yaml": GATED_INGRESS})

    [(file, line, message)] = _found(workspace, "BPG012")

    assert (file, line) == (f"{CHART}/templates/ingress.yaml", 19)
    path = "spec.rules[0].http.paths[0].backend.service.port"
    assert message.startswith(f"Ingress bp-demo-api: {path}: 8080 is not of type 'object'")
    assert message.endswith("(rendered with --api-versions traefik.io/v1alpha1)")


def test_a_gated_object_no_schema_describes_is_said_unchecked(tmp_path: Path) -> None:
    """powerdns's Cluster: BPG013 names the kind, so the gap is visible."""
    values = "replicas: 1\ndb:\n  storageClass: local\n"
    workspace = _workspace(tmp_path, {"cluster.yaml": GATED_CLUSTER}, values)

    [(_, _, message)] = _found(workspace, "BPG013")

    assert "Cluster (postgresql.cnpg.io/v1)" in message


def test_a_render_that_fails_only_with_the_api_is_reported_at_the_template_line(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path, {"cluster.yaml": GATED_CLUSTER}, "replicas: 1\ndb: {}\n")

    [(file, line, message)] = _found(workspace, "BPG012")

    assert (file, line) == (f"{CHART}/templates/cluster.yaml", 13)
    assert message.startswith("render with --api-versions postgresql.cnpg.io/v1 failed: ")
    assert "set db.storageClass" in message


def test_a_chart_failing_without_the_api_is_told_once_by_bpg003(tmp_path: Path) -> None:
    broken = '{{ required "set name" .Values.name }}\n'
    workspace = _workspace(tmp_path, {"cluster.yaml": GATED_CLUSTER, "broken.yaml": broken})

    result = lint([workspace], root=workspace, jobs=1, select={"BPG003", "BPG012"})

    assert [d.rule for d in result.active] == ["BPG003"]


def test_a_gate_on_an_api_kubernetes_serves_or_served_keeps_its_answer(tmp_path: Path) -> None:
    """`extensions/v1beta1` is not opened: no cluster of the version serves it."""
    old = GATED_INGRESS.replace("traefik.io/v1alpha1", "extensions/v1beta1/Ingress")
    workspace = _workspace(tmp_path, {"ingress.yaml": old})

    assert _found(workspace, "BPG012") == []


@pytest.mark.parametrize(
    ("api", "custom"),
    [
        ("postgresql.cnpg.io/v1", True),
        ("monitoring.coreos.com/v1/ServiceMonitor", True),
        ("gateway.networking.k8s.io/v1", True),  # Gateway API: CRDs, not Kubernetes' own
        ("v1", False),
        ("apps/v1", False),
        ("networking.k8s.io/v1beta1", False),  # served once, not any more
        ("extensions/v1beta1", False),
        ("policy/v1beta1/PodSecurityPolicy", False),
        ("settings.k8s.io/v1alpha1", False),
    ],
)
def test_which_apis_are_custom(api: str, custom: bool) -> None:
    assert is_custom_api(api, "1.32.0") is custom


def test_the_monitoring_api_is_left_to_the_observability_guard(tmp_path: Path) -> None:
    """BPG006 renders with monitoring.coreos.com/v1 (toggles on, toggles off) and tells
    what that API breaks, once (`test_rendered_not_yaml`)."""
    monitored = GATED_INGRESS.replace("traefik.io/v1alpha1", "monitoring.coreos.com/v1")
    workspace = _workspace(tmp_path, {"ingress.yaml": monitored})

    assert _found(workspace, "BPG012") == []
