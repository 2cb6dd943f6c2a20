"""BPG012/BPG013 through the real CLI: `--values`, `--kube-version` and
`--schema-location` change what lint checks in what a chart renders (issue 10, point 12)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "rules" / "cases"


def _lint(workspace: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "blueprintc", "lint", str(workspace), "--format", "json", *args],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)["diagnostics"]


def _brief(diagnostics: list[dict[str, object]], rule: str) -> list[tuple[str, int, str]]:
    found = [
        (str(d["file"]).rsplit("/", 1)[-1], int(str(d["line"])), str(d["message"]))
        for d in diagnostics
        if d["rule"] == rule
    ]
    return sorted(found)


def _copy(case: str, tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    shutil.copytree(CASES / case, workspace)
    return workspace


def test_a_values_file_is_rendered_and_its_objects_checked(tmp_path: Path) -> None:
    workspace = _copy("BPG012/pass", tmp_path)
    assert _lint(workspace)[0] == 0
    values = tmp_path / "named-port.yaml"
    values.write_text("port: http\n")
    code, found = _lint(workspace, "--values", str(values))
    assert code == 1
    assert _brief(found, "BPG012") == [
        (
            "service.yaml",
            17,
            "Service bp-demo: spec.ports[0].port: 'http' is not of type 'integer' "
            f"(rendered with --values {values})",
        )
    ]


def _lint_with_values_file(
    tmp_path: Path, text: str
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`blueprintc lint --values FILE` of a clean workspace, FILE holding `text`."""
    workspace = _copy("BPG012/pass", tmp_path)
    values = tmp_path / "given-values.yaml"
    values.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "blueprintc", "lint", str(workspace), "--values", str(values)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    return values, done


def test_a_values_file_that_is_not_a_mapping_is_a_usage_error(tmp_path: Path) -> None:
    values, done = _lint_with_values_file(tmp_path, "- port\n")
    assert done.returncode == 2
    assert f"{values} is not a mapping of values (a list)" in done.stderr


def test_a_values_file_that_is_not_yaml_is_one_line_at_its_position(tmp_path: Path) -> None:
    values, done = _lint_with_values_file(tmp_path, "ports: [80, 443\nname: web\n")
    assert done.returncode == 2
    error = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert error == [
        f"Error: Invalid value for '--values': {values}:2:5 is not YAML: expected ',' or ']', "
        "but got ':' (while parsing a flow sequence that starts on line 1); close the `[` "
        "opened on line 1 with `]`, or quote the item that holds a `,` or a bracket"
    ], done.stderr


def test_the_kubernetes_version_decides_which_api_versions_are_served(tmp_path: Path) -> None:
    workspace = _copy("BPG012/fail", tmp_path)
    hpa = [f for f in _brief(_lint(workspace)[1], "BPG012") if f[0] == "hpa.yaml"]
    assert hpa == [
        (
            "hpa.yaml",
            1,
            "HorizontalPodAutoscaler bp-demo: apiVersion: Kubernetes 1.32.0 does not serve "
            "HorizontalPodAutoscaler in autoscaling/v2beta2 (removed, or not yet added): use "
            "the apiVersion that version serves",
        )
    ]
    # autoscaling/v2beta2 was removed in 1.26: Kubernetes 1.25 serves it.
    older = _brief(_lint(workspace, "--kube-version", "1.25.0")[1], "BPG012")
    assert [f for f in older if f[0] == "hpa.yaml"] == []
    assert [f[0] for f in older] == ["deployment.yaml", "service.yaml", "service.yaml"]


def test_a_schema_location_checks_a_custom_resource_instead_of_leaving_it(
    tmp_path: Path,
) -> None:
    workspace = _copy("BPG013/fail", tmp_path)
    template = workspace / "blueprints/demo/chart/templates/certificate.yaml"
    template.write_text(template.read_text().replace("  secretName:", "  secretNam:"))
    code, found = _lint(workspace)
    assert code == 0 and _brief(found, "BPG012") == []
    assert [f[0] for f in _brief(found, "BPG013")] == ["Chart.yaml"]
    crds = CASES / "BPG013/pass/schemas/crds"
    code, found = _lint(workspace, "--schema-location", str(crds))
    assert code == 1 and _brief(found, "BPG013") == []
    assert _brief(found, "BPG012") == [
        # The missing field at the mapping that lacks it, the unknown one at its key.
        ("certificate.yaml", 9, "Certificate bp-demo: spec.secretName: required field is missing"),
        ("certificate.yaml", 10, "Certificate bp-demo: spec.secretNam: unknown field"),
    ]


def test_a_list_is_checked_item_by_item(tmp_path: Path) -> None:
    """Helm applies a `v1 List`'s items one by one: no schema for `List` is wanted, and an
    item's error names its place in the list."""
    workspace = _copy("BPG012/pass", tmp_path)
    template = workspace / "blueprints/demo/chart/templates/list.yaml"
    item = "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: in-a-list}\n"
    template.write_text(f"apiVersion: v1\nkind: List\nitems:\n{item}    data: {{a: '1'}}\n")
    assert _brief(_lint(workspace, "--select", "BPG012")[1], "BPG012") == []
    template.write_text(f"apiVersion: v1\nkind: List\nitems:\n{item}    data: {{a: 1}}\n")
    assert _brief(_lint(workspace, "--select", "BPG012")[1], "BPG012") == [
        ("list.yaml", 7, "List (no name): items[0].data.a: 1 is not of type 'string', 'null'")
    ]


def test_labels_are_looked_for_on_a_lists_items_not_on_the_list(tmp_path: Path) -> None:
    """BPG008 asks for the labels where Helm applies them: on each item of a List."""
    workspace = _copy("BPG012/pass", tmp_path)
    labels = (
        "{app.kubernetes.io/name: demo, app.kubernetes.io/instance: x, "
        "app.kubernetes.io/managed-by: Helm}"
    )
    (workspace / "blueprints/demo/chart/templates/list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        f"  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: a, labels: {labels}}}}}\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: bare}}\n"
    )
    found = _brief(_lint(workspace, "--select", "BPG008")[1], "BPG008")
    assert found == [
        (
            "list.yaml",
            2,
            "ConfigMap bare lacks label(s) app.kubernetes.io/name, "
            "app.kubernetes.io/instance, app.kubernetes.io/managed-by",
        )
    ]


_AS_KUBERNETES_READS = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-dates
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
data:
  released: 2024-01-01
  at: 12:30
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  minAvailable: {{ .Values.minAvailable }}
  selector:
    matchLabels:
      app.kubernetes.io/name: demo
"""


def test_rendered_objects_are_read_as_kubernetes_reads_them(tmp_path: Path) -> None:
    """No false alarm for what the API server accepts: an unquoted date is the string
    it looks like, and so is `12:30` (go-yaml v2 keeps timestamps as text and reads no
    base-60 numbers); Helm's empty rendering of an unset value (`minAvailable:`, null)
    is an unset field of a built-in kind."""
    workspace = _copy("BPG012/pass", tmp_path)
    templates = workspace / "blueprints" / "demo" / "chart" / "templates"
    (templates / "as-read.yaml").write_text(_AS_KUBERNETES_READS)
    code, found = _lint(workspace)
    assert _brief(found, "BPG012") == []
    assert code == 0, found


_GATED_ON_THE_VERSION = """{{- if semverCompare ">=1.33-0" .Capabilities.KubeVersion.GitVersion }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-gate
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
data:
  kube: {{ .Capabilities.KubeVersion.GitVersion | quote }}
  wrong: 1
{{- end }}
"""


def test_charts_render_for_the_kubernetes_version_their_objects_are_checked_for(
    tmp_path: Path,
) -> None:
    """`.Capabilities.KubeVersion` is the version of `--kube-version` (default: the
    workspace's, 1.32.0), as `helm template --kube-version` makes it, not the SDK's own
    newer default: a template gated on 1.33 renders nothing for 1.32 and its object
    for 1.33, where its wrong field is then found."""
    workspace = _copy("BPG012/pass", tmp_path)
    templates = workspace / "blueprints" / "demo" / "chart" / "templates"
    (templates / "gated.yaml").write_text(_GATED_ON_THE_VERSION)
    assert _brief(_lint(workspace)[1], "BPG012") == []
    code, found = _lint(workspace, "--kube-version", "1.33.0")
    assert code == 1
    [(file, _, message)] = _brief(found, "BPG012")
    assert file == "gated.yaml" and "data.wrong: 1 is not of type 'string'" in message


def test_a_custom_resources_empty_values_are_pruned_as_the_api_server_prunes_them(
    tmp_path: Path,
) -> None:
    """Helm renders an unset value as an empty key (null). The API server drops a custom
    resource's null where the CRD does not make the field nullable, then validates:
    velero's default BackupStorageLocation has `credential:` (dropped, fine) and
    `provider:` (dropped, and required). Before, both were `must be of type`."""
    workspace = _copy("BPG013/fail", tmp_path)
    template = workspace / "blueprints/demo/chart/templates/certificate.yaml"
    text = template.read_text()
    template.write_text(text.replace("  dnsNames:\n    - demo.example.com\n", "  dnsNames:\n"))
    crds = CASES / "BPG013/pass/schemas/crds"
    code, found = _lint(workspace, "--schema-location", str(crds))
    assert code == 0 and _brief(found, "BPG012") == []

    template.write_text(text.replace("secretName: {{ .Release.Name }}-tls", "secretName:"))
    code, found = _lint(workspace, "--schema-location", str(crds))
    assert code == 1
    assert _brief(found, "BPG012") == [
        (
            "certificate.yaml",
            10,
            "Certificate bp-demo: spec.secretName: required field is missing: its value is "
            "empty (null), which the API server drops from a custom resource",
        ),
    ]
