"""A plain `=` in YAML is the string "=", as go-yaml (Helm, Kubernetes) reads it.

PyYAML resolves it to YAML 1.1's "value" type, which no safe constructor builds, so
it refused the whole document. prometheus-operator's CRDs (kube-prometheus-stack's
`crds` subchart) list a matcher's operators as `enum: ['!=', =, =~, '!~']`: linting a
chart that vendors them ended in a traceback, a template rendering `matchType: =` was
reported as not YAML (BPG003) and lost its objects, and a values file with such a value
was refused (BPI001)."""

from __future__ import annotations

import json
from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import HELM_LABELS, invoke, write_workspace

CHART = "blueprints/demo/chart"
# The shape of monitoring.coreos.com's AlertmanagerConfig matcher, cut down.
CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: matchers.example.io
spec:
  group: example.io
  names: {kind: Matcher, plural: matchers}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          matchType:
            enum:
            - '!='
            - =
            - =~
            - '!~'
            type: string
"""
MATCHER = (
    "apiVersion: example.io/v1\nkind: Matcher\nmetadata:\n  name: {{ .Release.Name }}\n"
    + HELM_LABELS
    + "matchType: {{ .Values.operator }}\n"
)
UNLABELLED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-operators
data:
  equal: =
"""


def _workspace(tmp_path: Path) -> Path:
    return write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\noperator: =\n"},
        extra={
            f"{CHART}/crds/matchers.yaml": CRD,
            f"{CHART}/templates/matcher.yaml": MATCHER,
            f"{CHART}/templates/operators.yaml": UNLABELLED,
        },
    )


def test_a_chart_shipping_and_rendering_plain_equals_signs_is_linted_as_helm_reads_it(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path)
    result = lint([workspace], root=workspace, jobs=1)
    found = sorted((d.rule, d.location.file, d.location.line) for d in result.active)
    # The CRD file is read (the custom resource of its kind is found), the values file
    # is read, and both templates are YAML whose objects the rules check.
    assert found == [
        ("BPG008", f"{CHART}/templates/operators.yaml", 3),
        ("BPG009", f"{CHART}/templates/matcher.yaml", 2),
    ]


def test_the_cli_reports_it_without_a_traceback(tmp_path: Path) -> None:
    """Also with the CRD as a schema location (BPG012's schemas for custom resources)."""
    workspace = _workspace(tmp_path)
    schemas = tmp_path / "crds"
    schemas.mkdir()
    (schemas / "matchers.yaml").write_text(CRD, encoding="utf-8")
    result = invoke("lint", "--format", "json", "--schema-location", schemas, workspace)
    assert result.exit_code == 1, result.output
    rules = sorted(d["rule"] for d in json.loads(result.output)["diagnostics"])
    assert rules == ["BPG008", "BPG009"]


def test_a_values_file_given_with_a_plain_equals_sign_is_read(tmp_path: Path) -> None:
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"})
    values = tmp_path / "extra-values.yaml"
    values.write_text("replicas: =\n", encoding="utf-8")
    result = invoke("lint", "--values", str(values), str(workspace / "blueprints/demo"))
    assert result.exit_code == 0, result.output
