"""BPP033: an object two bootstrap-kit releases render on a common host cluster, or the
Namespace another kit entry installs into rendered by a kit chart: Flux's Helm takes it
over at each install, and uninstalling one release deletes it from under the other."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import run_compile
from tests.cli.helpers import HELM_LABELS
from tests.crd_manifest import crd_manifest

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
    assert "uninstalling either deletes it from under the other" in message


def test_a_custom_kind_of_cluster_scope_clashes_across_namespaces(tmp_path: Path) -> None:
    """A ClusterIssuer has no namespace: its CRD (in a kit release's crds/) says so."""
    crd = crd_manifest("cert-manager.io", "ClusterIssuer", scope="Cluster")
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


def test_the_namespace_another_kit_entry_installs_into(tmp_path: Path) -> None:
    """bp-gateway renders Namespace `base`, bp-base's target namespace: its uninstall
    would delete bp-base's objects. Its own target namespace is lint's BPG022."""
    namespace = {"gateway/namespace.yaml": _object("v1", "Namespace", "base")}
    kit = TWO_ENTRIES.format(base="base", gateway="edge")
    [(line, message)] = _found(_workspace(tmp_path / "o", kit, namespace), tmp_path / "o-out")
    assert line == 26
    assert message.startswith(
        "bootstrap-kit entry bp-gateway renders Namespace base, which kit entry bp-base "
        "installs into: the release takes the namespace over"
    )
    own = {"gateway/namespace.yaml": _object("v1", "Namespace", "edge")}
    assert _found(_workspace(tmp_path / "e", kit, own), tmp_path / "e-out") == []
    # Kept by Helm (`helm.sh/resource-policy: keep`): no uninstall deletes it.
    keep = '  annotations:\n    "helm.sh/resource-policy": keep\n'
    kept = {"gateway/namespace.yaml": namespace["gateway/namespace.yaml"] + keep}
    assert _found(_workspace(tmp_path / "k", kit, kept), tmp_path / "k-out") == []


def test_a_kit_chart_that_renders_its_own_target_namespace_is_bpg022(tmp_path: Path) -> None:
    """A fixed name lint cannot tell from another namespace; compile knows the target."""
    own = {"gateway/namespace.yaml": _object("v1", "Namespace", "edge")}
    kit = TWO_ENTRIES.format(base="base", gateway="edge")
    outcome = run_compile(_workspace(tmp_path, kit, own), out=tmp_path / "out")
    [found] = [d for d in outcome.diagnostics if d.rule == "BPG022"]
    assert (found.location.line, found.severity.name) == (26, "WARNING")
    assert found.message.startswith(
        "bootstrap-kit entry bp-gateway renders Namespace edge, its own target namespace"
    )


def test_objects_are_named_and_placed_as_the_cluster_will_have_them(tmp_path: Path) -> None:
    """A kit chart renders as its HelmRelease installs it: under the entry's release
    name, into its target namespace. Both entries install into `platform`: a ConfigMap
    each writes into `.Release.Namespace` clashes there; one named after the release
    never does; one bp-base writes into the namespace `base` by name stays there (it
    was read as bp-base's target namespace, and clashed with bp-gateway's)."""
    release_namespace = "  namespace: {{ .Release.Namespace }}\n"
    common = "---\n".join(
        [
            _object("v1", "ConfigMap", "shared", release_namespace),
            _object("v1", "ConfigMap", "{{ .Release.Name }}-settings", release_namespace),
        ]
    )
    templates = {
        "base/bundle.yaml": common
        + "---\n"
        + _object("v1", "ConfigMap", "ca-bundle", "  namespace: base\n"),
        "gateway/bundle.yaml": common
        + "---\n"
        + _object("v1", "ConfigMap", "ca-bundle", release_namespace),
    }
    shared = TWO_ENTRIES.format(base="platform", gateway="platform")
    found = _found(_workspace(tmp_path, shared, templates), tmp_path / "out")
    assert [m.split(",")[0] for _, m in found] == [
        "bootstrap-kit entry bp-gateway renders ConfigMap platform/shared"
    ]
