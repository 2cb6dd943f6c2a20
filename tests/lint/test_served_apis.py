"""Charts render as Flux's Helm renders them in a cluster of the workspace's version.

Where Flux installs a chart, Helm fills `.Capabilities.APIVersions` from the cluster's
discovery, kinds included (`policy/v1/PodDisruptionBudget`). Offline, Helm has only
client-go's group/versions, so the usual test, `.Capabilities.APIVersions.Has
"policy/v1/PodDisruptionBudget"`, was false and a chart fell back to `policy/v1beta1`,
which Kubernetes 1.32 no longer serves: kyverno 3.2.6's PodDisruptionBudget got a
BPG012 error that no cluster would ever see.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc import helm
from blueprintc.lint import lint
from blueprintc.validate.kubernetes import served_api_versions
from tests.cli.helpers import HELM_LABELS
from tests.lint.test_upstream_objects import CHART, wrapper

# The shape of kyverno's, tempo's and many others' `pdb.apiVersion` helper.
PDB = (
    """\
{{- if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" }}
apiVersion: policy/v1
{{- else }}
apiVersion: policy/v1beta1
{{- end }}
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Chart.Name }}
"""
)


def test_the_versions_ga_kinds_are_served_and_removed_or_beta_ones_are_not() -> None:
    served = served_api_versions("1.32.0")
    assert {"v1", "v1/ConfigMap", "policy/v1", "policy/v1/PodDisruptionBudget"} <= set(served)
    assert "autoscaling/v2/HorizontalPodAutoscaler" in served
    # Removed in 1.25; beta since 1.31 (off by default); not resources; list kinds.
    assert "policy/v1beta1/PodDisruptionBudget" not in served
    assert not [v for v in served if "beta" in v or "alpha" in v]
    assert not [v for v in served if v.endswith(("/Status", "/DeleteOptions", "List"))]


def test_a_render_for_a_kubernetes_version_sees_its_apis_with_their_kinds(
    tmp_path: Path,
) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: caps\nversion: 0.1.0\n")
    (chart / "templates" / "caps.yaml").write_text(
        "kind: ConfigMap\n"
        "data:\n"
        '  pdb: {{ .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" | quote }}\n'
        '  monitor: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}\n'
    )
    loaded = helm.load_chart(chart)

    def data(**options: object) -> object:
        render = helm.render(loaded, None, "caps", "default", **options)  # type: ignore[arg-type]
        return render.objects()[0].body["data"]

    assert data(kube_version="1.32.0") == {"pdb": "true", "monitor": "false"}
    assert data(kube_version="1.32.0", api_versions=("monitoring.coreos.com/v1",)) == {
        "pdb": "true",
        "monitor": "true",
    }
    assert data() == {"pdb": "false", "monitor": "false"}  # `helm template` as it ships


def test_an_upstream_choosing_its_pdb_api_by_kind_is_not_reported(tmp_path: Path) -> None:
    workspace = wrapper(tmp_path, "replicas: 1\n", {}, {"templates/pdb.yaml": PDB})

    result = lint([workspace], root=workspace, jobs=1, select={"BPG012"})

    assert [(d.rule, d.message) for d in result.active] == []


def test_an_upstreams_invalid_object_names_its_template_and_the_fixes_left(
    tmp_path: Path,
) -> None:
    """kyverno 3.2.6's pre-delete hook RoleBinding has `roleRef.namespace`, which Helm's
    validation refuses when it runs the hook (kyverno/kyverno#11082): its template is not
    the platform's to edit."""
    binding = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
        "  name: remove-configmap\n"
        + HELM_LABELS
        + "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
        "  name: remove-configmap\n  namespace: default\n"
    )
    upstream = {"templates/hooks/pre-delete.yaml": binding}
    workspace = wrapper(tmp_path, "replicas: 1\n", {}, upstream)

    result = lint([workspace], root=workspace, jobs=1, select={"BPG012"})

    [found] = result.active
    assert (found.location.file, found.location.line) == (f"{CHART}/Chart.yaml", 5)
    assert found.message == (
        "RoleBinding remove-configmap: roleRef.namespace: unknown field "
        "(from the upstream upstream-app 1.0.0's templates/hooks/pre-delete.yaml)"
    )
    assert "under `upstream-app:` in values.yaml" in found.hint
    assert "pin a release of upstream-app that fixes it" in found.hint
