"""BPG019: a field the API server never lets change (a selector, a StatefulSet's claim
templates, a Job's template, a binding's roleRef) rendered from the chart's version or
appVersion: the next release's upgrade fails. Lint renders the chart again as Helm
packages its next release and compares the two."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from blueprintc.rules.guards.immutable_fields import first_difference, immutable_fields
from tests.cli.helpers import HELM_LABELS, write_workspace
from tests.lint.chart_refusals import STATEFULSET, STATEFULSET_VALUES

CHART = "blueprints/demo/chart"
TEMPLATE = f"{CHART}/templates/workload.yaml"
CHART_YAML = """\
apiVersion: v2
name: bp-demo
version: {version}
appVersion: "{app_version}"
annotations:
  catalyst.openova.io/no-upstream: "true"
"""
VERSION_LABEL = "helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}"
APP_VERSION_LABEL = "app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}"


def _deployment(selector_label: str, name: str = "{{ .Release.Name }}") -> str:
    """A Deployment whose selector holds `selector_label` (line 13) beside the name."""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
        + HELM_LABELS
        + f"""\
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{{{ .Chart.Name }}}}
      {selector_label}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{{{ .Chart.Name }}}}
        {selector_label}
    spec:
      containers:
        - name: app
          image: registry.example.org/app:1.2.3
"""
    )


def _findings(
    tmp_path: Path, template: str, version: str = "1.4.2", app_version: str = "2.0.1"
) -> list[tuple[str, int, int, str, str]]:
    extra = {
        TEMPLATE: template,
        f"{CHART}/Chart.yaml": CHART_YAML.format(version=version, app_version=app_version),
    }
    workspace = write_workspace(tmp_path / "ws", {"demo": STATEFULSET_VALUES}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG019"})
    return [
        (d.location.file, d.location.line, d.location.column, d.message, d.hint or "")
        for d in result.active
    ]


def test_a_selector_holding_the_chart_version_is_reported_where_the_template_writes_it(
    tmp_path: Path,
) -> None:
    [(file, line, column, message, hint)] = _findings(tmp_path, _deployment(VERSION_LABEL))
    assert (file, line, column) == (TEMPLATE, 13, 7)
    assert message == (
        "Deployment bp-demo: `spec.selector.matchLabels.helm.sh/chart` is rendered from the "
        'chart\'s version (`"bp-demo-1.4.2"` now, `"bp-demo-1.4.3"` at version 1.4.3), and '
        "the API server refuses any change to `spec.selector` of an installed Deployment "
        "(`field is immutable`): the next release's upgrade fails, and Flux leaves the "
        "HelmRelease failed"
    )
    assert hint.startswith("keep the version out of `spec.selector`: use the selector labels")


def test_a_selector_holding_the_app_version_is_reported_as_the_app_versions(
    tmp_path: Path,
) -> None:
    [(_, line, _, message, _)] = _findings(tmp_path, _deployment(APP_VERSION_LABEL))
    assert line == 13
    assert 'rendered from the chart\'s appVersion (`"2.0.1"` now, `"2.0.2"` once' in message


def test_an_app_version_that_is_no_version_is_changed_all_the_same(tmp_path: Path) -> None:
    [(_, _, _, message, _)] = _findings(tmp_path, _deployment(APP_VERSION_LABEL), app_version="16")
    assert '(`"16"` now, `"16-next"` once the appVersion changes)' in message


def test_a_selector_without_the_version_and_pod_labels_with_it_pass(tmp_path: Path) -> None:
    """The pod template's labels may change (a rolling update); the selector does not."""
    template = _deployment("app.kubernetes.io/instance: {{ .Release.Name }}").replace(
        "        app.kubernetes.io/instance: {{ .Release.Name }}\n    spec:",
        f"        app.kubernetes.io/instance: {{{{ .Release.Name }}}}\n        {VERSION_LABEL}\n"
        "    spec:",
    )
    assert VERSION_LABEL in template
    assert _findings(tmp_path, template) == []


def test_an_object_named_after_the_version_is_a_new_object_each_release(tmp_path: Path) -> None:
    template = _deployment(VERSION_LABEL, name="{{ .Release.Name }}-{{ .Chart.Version }}")
    assert _findings(tmp_path, template) == []


def test_a_chart_version_that_is_no_semver_is_left_to_the_schema_rules(tmp_path: Path) -> None:
    assert _findings(tmp_path, _deployment(VERSION_LABEL), version="latest") == []


def test_a_statefulsets_claim_template_labelled_with_the_app_version(tmp_path: Path) -> None:
    """clamav's, seaweedfs' and victoria-metrics-agent's charts: every upgrade refused."""
    [(_, line, column, message, _)] = _findings(tmp_path, STATEFULSET)
    assert (line, column) == (28, 11)
    assert message.startswith(
        "StatefulSet bp-demo: `spec.volumeClaimTemplates[0].metadata.labels."
        "app.kubernetes.io/version` is rendered from the chart's appVersion"
    )
    assert "`spec: Forbidden: updates to statefulset spec for fields other than" in message


JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
ANNOTATIONS
spec:
TTL
  template:
    metadata:
      labels:
        helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.org/migrate:1.0.0
"""


def _job(annotations: str = "", ttl: str = "") -> str:
    return JOB.replace("ANNOTATIONS\n", annotations).replace("TTL\n", ttl)


def test_a_jobs_template_with_the_version_is_reported(tmp_path: Path) -> None:
    [(_, line, _, message, _)] = _findings(tmp_path, _job())
    assert line == 13
    assert "`spec.template` of an installed Job (`field is immutable`)" in message


def test_a_job_removed_when_done_or_a_hook_is_created_anew(tmp_path: Path) -> None:
    hook = "  annotations:\n    helm.sh/hook: pre-upgrade\n"
    assert _findings(tmp_path / "ttl", _job(ttl="  ttlSecondsAfterFinished: 300\n")) == []
    assert _findings(tmp_path / "hook", _job(annotations=hook)) == []


def test_a_binding_whose_role_is_named_after_the_version(tmp_path: Path) -> None:
    template = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
        "  name: {{ .Release.Name }}\n"
        + HELM_LABELS
        + "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
        "  name: {{ .Release.Name }}-{{ .Chart.Version }}\n"
        "subjects:\n  - kind: ServiceAccount\n    name: default\n"
    )
    [(_, line, _, message, _)] = _findings(tmp_path, template)
    assert line == 12
    assert "(`roleRef: Invalid value: ...: cannot change roleRef`)" in message


def test_what_no_update_may_change_by_kind() -> None:
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {}, "storageClassName": "x"},
    }
    assert immutable_fields(claim) == {
        "spec.accessModes": ["ReadWriteOnce"],
        "spec.storageClassName": "x",
    }
    statefulset = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "spec": {"replicas": 3, "template": {}, "serviceName": "db", "minReadySeconds": 5},
    }
    assert immutable_fields(statefulset) == {"spec.serviceName": "db"}
    assert immutable_fields({"apiVersion": "v1", "kind": "Service", "spec": {}}) == {}


def test_the_first_difference_is_the_deepest_leaf_in_order() -> None:
    old = {"matchLabels": {"a": "1", "b": "2"}, "x": [1, {"y": 2}]}
    assert first_difference(old, old, "s") is None
    assert first_difference(old, {**old, "x": [1, {"y": 3}]}, "s") == "s.x[1].y"
    assert first_difference(old, {"matchLabels": {"a": "1", "b": "3"}}, "s") == "s.matchLabels.b"
    assert first_difference(old, {**old, "z": 1}, "s") == "s.z"
    assert first_difference([1], [1, 2], "s") == "s"


WRAPPER_CHART_YAML = """\
apiVersion: v2
name: bp-demo
version: 1.4.2
dependencies:
  - name: postgresql
    version: 16.4.1
    repository: oci://registry.example.org/charts
"""


def test_a_wrapper_whose_upstream_is_not_built_is_checked_through_its_stand_in(
    tmp_path: Path,
) -> None:
    """A source tree as git holds it: charts/ is gitignored, so the upstream is absent and
    lint renders the wrapper's own templates in a stand-in copy; its next release too."""
    extra = {
        TEMPLATE: _deployment(VERSION_LABEL),
        f"{CHART}/Chart.yaml": WRAPPER_CHART_YAML,
        f"{CHART}/.gitignore": "charts/\n",
    }
    workspace = write_workspace(tmp_path / "ws", {"demo": "postgresql: {}\n"}, extra=extra)
    result = lint([workspace], root=workspace, jobs=1, select={"BPG019"})
    [found] = result.active
    assert (found.location.file, found.location.line) == (TEMPLATE, 13)
    assert '(`"bp-demo-1.4.2"` now, `"bp-demo-1.4.3"` at version 1.4.3)' in found.message


def test_a_storage_class_and_a_secret_type_with_the_api_servers_defaults() -> None:
    storage_class = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass"}
    assert immutable_fields({**storage_class, "provisioner": "rook-ceph.rbd.csi.ceph.com"}) == {
        "provisioner": "rook-ceph.rbd.csi.ceph.com",
        "parameters": {},
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
    }
    # Written out as the API server defaults them: no change.
    written = {**storage_class, "reclaimPolicy": "Delete", "parameters": {}}
    assert immutable_fields(written) == immutable_fields(storage_class)
    secret = {"apiVersion": "v1", "kind": "Secret"}
    assert immutable_fields(secret) == immutable_fields({**secret, "type": "Opaque"})
    assert immutable_fields({**secret, "type": "kubernetes.io/tls"}) == {
        "type": "kubernetes.io/tls"
    }


def test_a_services_cluster_address_as_the_api_server_keeps_it() -> None:
    """`patchAllocatedValues`: a Service that writes no clusterIP keeps the installed
    one, so only a written address can differ; an ExternalName Service has none."""
    service = {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}}
    headless = {**service, "spec": {"clusterIP": "None"}}
    assert immutable_fields(headless) == {"spec.clusterIP": "None"}
    # Made headless, installed with an address the cluster gave it: differs.
    assert immutable_fields(service) == {}
    assert immutable_fields(headless, service) == {"spec.clusterIP": "None"}
    # `clusterIP: None` left out of an installed headless Service: kept, no change.
    assert immutable_fields(service, headless) == {"spec.clusterIP": "None"}
    external = {**service, "spec": {"type": "ExternalName", "externalName": "db.example.org"}}
    assert immutable_fields(headless, external) == {}
    assert immutable_fields(external, headless) == {}


def test_an_immutable_config_maps_data_is_fixed_by_the_installed_one() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"app.conf": "a: 1\n"}}
    fixed = {**config, "immutable": True}
    assert immutable_fields(config) == {}
    assert immutable_fields(fixed) == {"immutable": True, "data": config["data"], "binaryData": {}}
    # Made immutable now: allowed. No longer immutable: refused, as a changed `immutable`.
    assert immutable_fields(fixed, config) == {}
    assert immutable_fields(config, fixed)["immutable"] is None
    changed = {**fixed, "data": {"app.conf": "a: 2\n"}}
    assert (
        first_difference(
            immutable_fields(fixed)["data"], immutable_fields(changed, fixed)["data"], "data"
        )
        == "data.app.conf"
    )
    secret = {"apiVersion": "v1", "kind": "Secret", "immutable": True, "data": {"k": "dg=="}}
    assert immutable_fields(secret) == {"type": "Opaque"}  # its values are left out


def test_an_immutable_config_maps_file_with_the_version_is_shown_by_its_line(
    tmp_path: Path,
) -> None:
    """Its data cannot change once installed; the file is too long to show whole, so the
    message shows the line that differs at the next version."""
    template = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
        + HELM_LABELS
        + "immutable: true\ndata:\n  app.conf: |\n"
        + "    # written by the platform team for every environment of the demo application\n"
        + "    release = {{ .Chart.Version }}\n"
    )
    [(_, line, _, message, _)] = _findings(tmp_path, template)
    assert line == 11  # `app.conf:`
    assert (
        "ConfigMap bp-demo-config: `data.app.conf` is rendered from the chart's version (line "
        '2 of it is `"release = 1.4.2"` now, `"release = 1.4.3"` at version 1.4.3)'
    ) in message
