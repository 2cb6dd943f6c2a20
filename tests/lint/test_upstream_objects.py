"""Which rendered objects are the Blueprint's own writing, and which its upstream's.

Once `helm dependency build` has vendored a real upstream (CI does it before lint),
the render holds the upstream's objects too: cloudnative-pg's CRDs, external-secrets'
webhook configurations and SPIRE's hook RBAC carry no `app.kubernetes.io` labels, and no
value of the Blueprint could add them. The labels rule (BPG008) reads the templates the
platform writes: the chart's own and its own subcharts' (`file://` in the workspace)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace

CHART = "blueprints/demo/chart"
UNLABELLED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
data:
  a: b
"""
DEMO_CHART = """\
apiVersion: v2
name: bp-demo
version: 1.0.0
dependencies:
  - name: upstream-app
    version: 1.0.0
    repository: https://charts.example.invalid
  - name: own-part
    version: 0.1.0
    repository: file://../../../lib/own-part
"""


def _archive(name: str, version: str, files: dict[str, str]) -> bytes:
    """A chart archive as `helm package` lays it out: every file under `<name>/`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_the_labels_rule_reads_the_platforms_templates_not_the_upstreams(
    tmp_path: Path,
) -> None:
    own_part = "apiVersion: v2\nname: own-part\nversion: 0.1.0\n"
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": "replicas: 1\n"},
        extra={
            f"{CHART}/Chart.yaml": DEMO_CHART,
            f"{CHART}/templates/unlabelled.yaml": UNLABELLED,
            "lib/own-part/Chart.yaml": own_part,
            "lib/own-part/templates/unlabelled.yaml": UNLABELLED,
        },
    )
    charts = workspace / CHART / "charts"
    charts.mkdir()
    upstream = {
        "Chart.yaml": "apiVersion: v2\nname: upstream-app\nversion: 1.0.0\n",
        "templates/unlabelled.yaml": UNLABELLED,
    }
    (charts / "upstream-app-1.0.0.tgz").write_bytes(_archive("upstream-app", "1.0.0", upstream))
    own = {"Chart.yaml": own_part, "templates/unlabelled.yaml": UNLABELLED}
    (charts / "own-part-0.1.0.tgz").write_bytes(_archive("own-part", "0.1.0", own))

    result = lint([workspace], root=workspace, jobs=1, select={"BPG008"})
    found = sorted((d.location.file, d.location.line, d.message) for d in result.active)
    assert found == [
        # own-part's ConfigMap, at its Chart.yaml entry
        (
            f"{CHART}/Chart.yaml",
            8,
            "ConfigMap bp-demo-own-part lacks label(s) "
            "app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/managed-by",
        ),
        (
            f"{CHART}/templates/unlabelled.yaml",
            2,
            "ConfigMap bp-demo-bp-demo lacks label(s) "
            "app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/managed-by",
        ),
    ]
