"""Small workspaces written into a temporary directory, and one way to run the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from blueprintc.cli import cli

WORKSPACE_YAML = "apiVersion: blueprintc.openova.io/v1alpha1\nkind: Workspace\n"
CLEAN_VALUES = "replicas: 1\n"
# `password: hunter2` on line 3 is a BPG007 (plaintext-secret) error.
SECRET_VALUES = "replicas: 1\nauth:\n  password: hunter2\n"

_BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-{name}
spec:
  version: 1.0.0
  card:
    title: Demo {name}
  manifests:
    chart: ./chart
"""
_CHART = """\
apiVersion: v2
name: bp-{name}
version: 1.0.0
annotations:
  catalyst.openova.io/no-upstream: "true"
"""
# The canon's labels, as a chart's templates set them (metadata's `labels:` block).
HELM_LABELS = """\
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
"""
_TEMPLATE = (
    """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
data:
  replicas: "{{ .Values.replicas }}"
"""
)


def blueprint_files(name: str, values: str = CLEAN_VALUES) -> dict[str, str]:
    """The files of a Blueprint `blueprints/<name>` that passes every rule with `values`
    as its chart's values.yaml."""
    base = f"blueprints/{name}"
    return {
        f"{base}/blueprint.yaml": _BLUEPRINT.format(name=name),
        f"{base}/chart/Chart.yaml": _CHART.format(name=name),
        f"{base}/chart/templates/configmap.yaml": _TEMPLATE,
        f"{base}/chart/values.yaml": values,
    }


def write_workspace(
    root: Path, blueprints: dict[str, str], config: str = "", extra: dict[str, str] | None = None
) -> Path:
    """A workspace at `root`: `blueprints` maps a Blueprint name to its values.yaml,
    `config` is appended to blueprintc.yaml, `extra` adds or replaces files."""
    files = {"blueprintc.yaml": WORKSPACE_YAML + config}
    for name, values in blueprints.items():
        files.update(blueprint_files(name, values))
    files.update(extra or {})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def invoke(*args: str | Path) -> Result:
    """Run `blueprintc ARGS` in-process; an exception is a test failure, not a result."""
    return CliRunner().invoke(
        cli, [str(a) for a in args], catch_exceptions=False, prog_name="blueprintc"
    )
