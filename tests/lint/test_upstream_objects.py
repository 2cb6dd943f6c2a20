"""Which rendered objects are the Blueprint's own writing, and which its upstream's.

Once `helm dependency build` has vendored a real upstream (CI does it before lint),
the render holds the upstream's objects too: cloudnative-pg's CRDs, external-secrets'
webhook configurations and SPIRE's hook RBAC carry no `app.kubernetes.io` labels, and no
value of the Blueprint could add them. The labels rule (BPG008) reads the templates the
platform writes: the chart's own and its own subcharts' (`file://` in the workspace).
Rules on what the release does to a cluster (BPG006, BPG009) report an upstream's objects
together, once, at its Chart.yaml entry, with the fix in its values: kube-prometheus-stack
61.3.2 gave 48 findings of each, all at the same line."""

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


def _archive(name: str, files: dict[str, str]) -> bytes:
    """A chart archive as `helm package` lays it out: every file under `<name>/`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


UPSTREAM_CHART = "apiVersion: v2\nname: upstream-app\nversion: 1.0.0\n"


def wrapper(tmp_path: Path, values: str, own: dict[str, str], upstream: dict[str, str]) -> Path:
    """A workspace whose Blueprint `demo` wraps `upstream-app` 1.0.0, vendored in `charts/`
    as CI's `helm dependency build` leaves it: `own` are files of the wrapper chart,
    `upstream` files of the archive (its Chart.yaml given)."""
    files = {f"{CHART}/{rel}": text for rel, text in own.items()}
    chart = DEMO_CHART.split("  - name: own-part")[0]
    workspace = write_workspace(
        tmp_path / "ws", {"demo": values}, extra={f"{CHART}/Chart.yaml": chart, **files}
    )
    charts = workspace / CHART / "charts"
    charts.mkdir()
    archive = _archive("upstream-app", {"Chart.yaml": UPSTREAM_CHART, **upstream})
    (charts / "upstream-app-1.0.0.tgz").write_bytes(archive)
    return workspace


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
    (charts / "upstream-app-1.0.0.tgz").write_bytes(_archive("upstream-app", upstream))
    own = {"Chart.yaml": own_part, "templates/unlabelled.yaml": UNLABELLED}
    (charts / "own-part-0.1.0.tgz").write_bytes(_archive("own-part", own))

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
            3,
            "ConfigMap bp-demo-bp-demo lacks label(s) "
            "app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/managed-by",
        ),
    ]


LABELS = """\
  labels:
    app.kubernetes.io/name: x
    app.kubernetes.io/instance: x
    app.kubernetes.io/managed-by: Helm
"""
MONITOR = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: {}\n"
WIDGET = "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: {}\n"
WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
"""


def test_an_upstreams_objects_are_reported_together_at_its_entry_with_a_fix_in_values(
    tmp_path: Path,
) -> None:
    upstream = {
        "crds/widgets.yaml": WIDGET_CRD,
        "templates/widgets.yaml": "---\n".join(
            WIDGET.format(n) + LABELS for n in ("one", "two", "three", "four")
        ),
        "templates/monitors.yaml": "---\n".join(
            MONITOR.format(n) + LABELS for n in ("app", "rules")
        ),
    }
    own = {"templates/monitor.yaml": MONITOR.format("own") + LABELS}
    workspace = wrapper(tmp_path, "replicas: 1\n", own, upstream)

    result = lint([workspace], root=workspace, jobs=1, select={"BPG006", "BPG009"})
    found = sorted((d.rule, d.location.file, d.location.line, d.message) for d in result.active)
    assert found == [
        (
            "BPG006",
            f"{CHART}/Chart.yaml",
            5,
            "the default render contains 2 monitoring object(s) of the upstream upstream-app: "
            "ServiceMonitor app, ServiceMonitor rules; monitoring objects must be opt-in",
        ),
        (
            "BPG006",
            f"{CHART}/templates/monitor.yaml",
            2,
            "the default render contains ServiceMonitor own; monitoring objects must be opt-in",
        ),
        (
            "BPG009",
            f"{CHART}/Chart.yaml",
            5,
            "4 custom resource(s) of the upstream upstream-app are of CRDs this chart also "
            "ships: Widget one, Widget two, Widget three and 1 more",
        ),
    ]
    hints = {d.rule: d.hint for d in result.active if d.location.file.endswith("Chart.yaml")}
    assert "values.yaml under `upstream-app:`" in hints["BPG006"]
    assert "values.yaml under `upstream-app:`" in hints["BPG009"]
    own = next(d for d in result.active if d.location.file.endswith("monitor.yaml"))
    assert "{{- if .Values.serviceMonitor.enabled }}" in own.hint  # the rule's own hint


def test_a_custom_resource_of_an_upstreams_crd_names_where_the_crd_comes_from(
    tmp_path: Path,
) -> None:
    """A wrapper's own Cluster, of the CRD that cloudnative-pg renders: the finding is
    at the wrapper's template, and says the CRD is the upstream's, not the chart's."""
    own = {"templates/widget.yaml": WIDGET.format("mine") + LABELS}
    workspace = wrapper(tmp_path, "replicas: 1\n", own, {"templates/crds.yaml": WIDGET_CRD})

    result = lint([workspace], root=workspace, jobs=1, select={"BPG009"})
    assert [(d.location.file, d.location.line, d.message) for d in result.active] == [
        (
            f"{CHART}/templates/widget.yaml",
            2,
            "Widget mine (example.io/v1) is a custom resource of a CRD this chart also "
            "ships (from the upstream upstream-app)",
        )
    ]


def test_custom_resources_of_crds_another_upstream_ships_name_that_one_in_the_fix(
    tmp_path: Path,
) -> None:
    """spire renders ClusterSPIFFEIDs whose CRD comes from the separate spire-crds chart:
    the fix is to move spire-crds to a Blueprint of its own, not a `crds.enabled` of
    spire's."""
    chart = DEMO_CHART.split("  - name: own-part")[0] + (
        "  - name: upstream-crds\n    version: 1.0.0\n"
        "    repository: https://charts.example.invalid\n"
    )
    workspace = write_workspace(
        tmp_path / "ws", {"demo": "replicas: 1\n"}, extra={f"{CHART}/Chart.yaml": chart}
    )
    charts = workspace / CHART / "charts"
    charts.mkdir()
    app = {"Chart.yaml": UPSTREAM_CHART, "templates/widget.yaml": WIDGET.format("one") + LABELS}
    crds = {
        "Chart.yaml": UPSTREAM_CHART.replace("upstream-app", "upstream-crds"),
        "templates/crds.yaml": WIDGET_CRD,
    }
    (charts / "upstream-app-1.0.0.tgz").write_bytes(_archive("upstream-app", app))
    (charts / "upstream-crds-1.0.0.tgz").write_bytes(_archive("upstream-crds", crds))

    result = lint([workspace], root=workspace, jobs=1, select={"BPG009"})
    assert [(d.location.file, d.location.line) for d in result.active] == [
        (f"{CHART}/Chart.yaml", 5)
    ]
    assert result.active[0].hint.startswith(
        "the CRDs come from upstream-crds: ship it in a Blueprint this one depends on"
    )
