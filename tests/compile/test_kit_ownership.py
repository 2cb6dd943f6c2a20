"""BPP033: an object two bootstrap-kit releases render on a common host cluster, or a
Namespace compile creates that a kit chart renders too: Helm installs the first and
refuses the second (`exists and cannot be imported into the current release`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import run_compile
from tests.cli.helpers import HELM_LABELS

CASES = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP033"
KIT = "  bootstrapKit:\n"
TWO_ENTRIES = (
    "    - blueprint: bp-base\n      version: ^1.0\n      targetNamespace: {base}\n"
    "    - blueprint: bp-gateway\n      version: ^1.0\n      targetNamespace: {gateway}\n"
)


def _workspace(tmp_path: Path, kit: str, templates: dict[str, str]) -> Path:
    """The BPP033 pass case with its kit replaced by `kit`, and `templates` (by
    `<blueprint>/<file>`) added to the charts."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASES / "pass", workspace)
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    sovereign.write_text(text[: text.index(KIT)] + KIT + kit)
    for rel, body in templates.items():
        blueprint, name = rel.split("/")
        (workspace / "blueprints" / blueprint / "chart" / "templates" / name).write_text(body)
    return workspace


def _object(api_version: str, kind: str, name: str, extra: str = "") -> str:
    return (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n{HELM_LABELS}{extra}"
    )


def _found(workspace: Path, out: Path) -> list[tuple[int, str]]:
    outcome = run_compile(workspace, out=out)
    return [(d.location.line, d.message) for d in outcome.diagnostics if d.rule == "BPP033"]


def test_a_config_map_clashes_only_in_a_shared_namespace(tmp_path: Path) -> None:
    templates = {
        f"{bp}/bundle.yaml": _object("v1", "ConfigMap", "ca-bundle") for bp in ("base", "gateway")
    }
    apart = _workspace(tmp_path / "a", TWO_ENTRIES.format(base="base", gateway="edge"), templates)
    assert _found(apart, tmp_path / "a-out") == []
    shared = TWO_ENTRIES.format(base="platform", gateway="platform")
    [(line, message)] = _found(_workspace(tmp_path / "s", shared, templates), tmp_path / "s-out")
    assert line == 26  # bp-gateway's `blueprint:`
    assert message.startswith(
        "bootstrap-kit entry bp-gateway renders ConfigMap platform/ca-bundle, which kit "
        "entry bp-base renders too"
    )
    assert 'key "meta.helm.sh/release-name" must equal "gateway": current value is "base"' in (
        message
    )


def test_a_custom_kind_of_cluster_scope_clashes_across_namespaces(tmp_path: Path) -> None:
    """A ClusterIssuer has no namespace: its CRD (in a kit release's crds/) says so."""
    crd = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterissuers.cert-manager.io
spec:
  group: cert-manager.io
  scope: Cluster
  names: {kind: ClusterIssuer, plural: clusterissuers, singular: clusterissuer}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"""
    issuer = _object("cert-manager.io/v1", "ClusterIssuer", "letsencrypt", "spec: {}\n")
    kit = TWO_ENTRIES.format(base="base", gateway="edge")
    workspace = _workspace(tmp_path, kit, {"gateway/issuer.yaml": issuer})
    crds = workspace / "blueprints" / "base" / "chart" / "crds"
    crds.mkdir(exist_ok=True)
    (crds / "clusterissuers.yaml").write_text(crd)
    shutil.copy(
        workspace / "blueprints" / "gateway" / "chart" / "templates" / "issuer.yaml",
        workspace / "blueprints" / "base" / "chart" / "templates" / "issuer.yaml",
    )
    found = _found(workspace, tmp_path / "out")
    assert [m.split(",")[0] for _, m in found] == [
        "bootstrap-kit entry bp-gateway renders ClusterIssuer letsencrypt"
    ]


def test_a_hook_is_no_object_of_the_release(tmp_path: Path) -> None:
    hook = '  annotations:\n    "helm.sh/hook": pre-install\n'
    job = _object("v1", "ConfigMap", "preflight").replace(HELM_LABELS, HELM_LABELS + hook)
    kit = TWO_ENTRIES.format(base="platform", gateway="platform")
    workspace = _workspace(tmp_path, kit, {"base/hook.yaml": job, "gateway/hook.yaml": job})
    assert _found(workspace, tmp_path / "out") == []


def test_a_namespace_compile_creates_rendered_by_a_kit_chart(tmp_path: Path) -> None:
    """A fixed-name Namespace equal to the entry's own target namespace: Flux's
    createNamespace (compile's default) makes it first. Off, and unlabelled, it passes."""
    namespace = {"gateway/namespace.yaml": _object("v1", "Namespace", "edge")}
    kit = TWO_ENTRIES.format(base="base", gateway="edge")
    [(line, message)] = _found(_workspace(tmp_path / "on", kit, namespace), tmp_path / "on-out")
    assert line == 26
    assert message.startswith(
        "bootstrap-kit entry bp-gateway renders Namespace edge, which compile creates before "
        "the release installs (kit entry bp-gateway's `install.createNamespace`)"
    )
    off = kit + "      install:\n        createNamespace: false\n"
    assert _found(_workspace(tmp_path / "off", off, namespace), tmp_path / "off-out") == []
