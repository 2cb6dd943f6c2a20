"""A template directive in a chart's crds/ file: Helm installs those files as written,
never rendered, so the CRD fails (BPG003, at the directive)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace

CRDS = "blueprints/demo/chart/crds"
CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
  annotations:
    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/widgets-webhook
spec:
  group: example.org
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: "Argo's {{inputs.parameters.x}}, Kyverno's {{ request.object }}, {{ if }}"
"""


def _findings(tmp_path: Path, text: str) -> list[tuple[str, str, int, int]]:
    files = {f"{CRDS}/widgets.yaml": text}
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"}, extra=files)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG003"})
    return [(d.rule, d.location.file, d.location.line, d.location.column) for d in result.active]


def test_a_helm_directive_in_a_crds_file_is_bpg003_at_it(tmp_path: Path) -> None:
    assert _findings(tmp_path, CRD) == [("BPG003", f"{CRDS}/widgets.yaml", 6, 37)]
    files = {f"{CRDS}/widgets.yaml": CRD}
    workspace = write_workspace(tmp_path / "again", {"demo": "replicas: 1\n"}, extra=files)
    [found] = lint([workspace], root=workspace, jobs=1, select={"BPG003"}).active
    assert found.message.startswith(
        "crds/widgets.yaml holds the template directive `{{ .Release.Namespace }}`: Helm does "
        "not render files under crds/, it installs them as written"
    )
    assert (found.hint or "").startswith("move the CRD under templates/")


def test_other_template_languages_and_comments_pass(tmp_path: Path) -> None:
    """Argo's and Kyverno's `{{ }}` in a description, a Go `{{ if }}`, and a comment."""
    text = CRD.replace(
        "    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/widgets-webhook\n",
        "    # inject-ca-from: {{ .Release.Namespace }}/widgets-webhook\n",
    )
    assert _findings(tmp_path, text) == []
