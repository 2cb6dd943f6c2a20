"""BPP034: a kit release's custom resource of a kind nothing serves fails Helm's install
on a fresh cluster. What serves a kind besides a chart's CRDs (Kubernetes, Flux,
Crossplane XRDs, controllers that register CRDs, manifest directories, the workspace's
`options.served`), and when compile cannot tell and says nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from blueprintc.lint import lint
from tests.crd_manifest import crd_manifest

CASE = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP034" / "fail"
WIDGET = "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: w\n"


def _workspace(tmp_path: Path) -> Path:
    """bp-base (ships no CRD) and bp-gateway (renders a Widget of example.io) in the kit."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    return workspace


def _template(workspace: Path, blueprint: str, name: str, text: str) -> None:
    (workspace / "blueprints" / blueprint / "chart" / "templates" / name).write_text(text)


def _bpp034(workspace: Path, tmp_path: Path) -> list[tuple[int, str, str | None]]:
    outcome = run_compile(workspace, out=tmp_path / "out")
    return [(d.location.line, d.message, d.hint) for d in outcome.diagnostics if d.rule == "BPP034"]


def test_a_kind_no_kit_release_installs_is_reported_at_its_entry(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (found,) = _bpp034(workspace, tmp_path)
    assert found == (
        25,
        "bootstrap-kit entry bp-gateway renders Widget gateway (example.io), of a kind no "
        "kit release installs and the host clusters do not serve: Helm's install fails ('no "
        "matches for kind ... ensure CRDs are installed first')",
        "add the Blueprint that installs the CRD to the bootstrap kit and depend on it, or "
        "switch the resource off in the entry's `values:`; if the host clusters are "
        "provisioned with it, list `example.io` under lint.rules.BPP034.options.served in "
        "blueprintc.yaml",
    )


def test_kubernetes_and_flux_kinds_are_served(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _template(
        workspace,
        "gateway",
        "widget.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n"
        "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n"
        "  name: g\nspec:\n  url: https://example.invalid/x\n  interval: 1m\n",
    )
    assert _bpp034(workspace, tmp_path) == []


def test_the_gateway_api_is_no_kubernetes_kind(tmp_path: Path) -> None:
    """`gateway.networking.k8s.io` ends like Kubernetes' groups, but its CRDs are
    installed apart: an HTTPRoute with no Gateway API CRDs in the kit is reported."""
    workspace = _workspace(tmp_path)
    _template(
        workspace,
        "gateway",
        "widget.yaml",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n",
    )
    (found,) = _bpp034(workspace, tmp_path)
    assert "HTTPRoute r (gateway.networking.k8s.io)" in found[1]


def test_a_crossplane_xrd_serves_its_composite_and_claim_kinds(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _template(
        workspace,
        "base",
        "xrd.yaml",
        "apiVersion: apiextensions.crossplane.io/v1\nkind: CompositeResourceDefinition\n"
        "metadata:\n  name: xwidgets.example.io\nspec:\n  group: example.io\n"
        "  names: {kind: XWidget, plural: xwidgets}\n"
        "  claimNames: {kind: Widget, plural: widgets}\n",
    )
    # the Widget is served; the XRD is not, with no Crossplane in the kit
    (found,) = _bpp034(workspace, tmp_path)
    assert found[:2] == (
        23,
        "bootstrap-kit entry bp-base renders CompositeResourceDefinition xwidgets.example.io "
        "(apiextensions.crossplane.io), of a kind no kit release installs and the host "
        "clusters do not serve: Helm's install fails ('no matches for kind ... ensure CRDs "
        "are installed first')",
    )


@pytest.mark.parametrize(
    ("chart", "version", "resource"),
    [
        ("cilium", "1.16.5", "cilium.io/v2\nkind: CiliumNetworkPolicy"),
        # the platform's bp-crossplane-claims beside bp-crossplane (crossplane 1.18.0)
        ("crossplane", "1.18.0", "apiextensions.crossplane.io/v1\nkind: Composition"),
    ],
)
def test_kinds_a_controller_registers_when_it_runs_are_served(
    tmp_path: Path, chart: str, version: str, resource: str
) -> None:
    """Cilium's and Crossplane's charts ship no CRD (their controllers create them); a
    release whose chart has such a subchart serves every kind of their groups."""
    workspace = _workspace(tmp_path)
    _template(
        workspace, "gateway", "widget.yaml", f"apiVersion: {resource}\nmetadata:\n  name: p\n"
    )
    assert len(_bpp034(workspace, tmp_path)) == 1
    subchart = workspace / "blueprints" / "base" / "chart" / "charts" / chart
    (subchart / "templates").mkdir(parents=True)
    (subchart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {chart}\nversion: {version}\n")
    (subchart / "templates" / "sa.yaml").write_text(
        f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {chart}\n"
    )
    assert _bpp034(workspace, tmp_path) == []


def test_a_knative_operator_object_serves_what_it_installs(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _template(
        workspace,
        "gateway",
        "widget.yaml",
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: s\n",
    )
    _template(
        workspace,
        "base",
        "serving.yaml",
        "apiVersion: operator.knative.dev/v1beta1\nkind: KnativeServing\nmetadata:\n"
        "  name: knative-serving\n",
    )
    found = _bpp034(workspace, tmp_path)
    # KnativeServing itself is a kind nothing here installs; the Service is served
    assert [message.split(" renders ")[1].split(",")[0] for _, message, _ in found] == [
        "KnativeServing knative-serving (operator.knative.dev)"
    ]


def test_nothing_is_said_while_a_crossplane_provider_may_install_anything(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path)
    _template(
        workspace,
        "base",
        "provider.yaml",
        "apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata:\n  name: p\n"
        "spec:\n  package: xpkg.example.invalid/provider-widgets:v1\n",
    )
    assert _bpp034(workspace, tmp_path) == []


def _before_kit(workspace: Path, name: str, text: str) -> None:
    """`infrastructure/<name>` holding `text`, applied before the kit (`spec.kit.before`)."""
    crds = workspace / "infrastructure"
    crds.mkdir()
    (crds / name).write_text(text)
    sovereign = workspace / "sovereign.yaml"
    sovereign.write_text(
        sovereign.read_text().replace(
            "  bootstrapKit:\n", "  kit:\n    before: [infrastructure]\n  bootstrapKit:\n"
        )
    )


def test_a_crd_in_a_manifest_directory_before_the_kit_serves_its_kind(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _before_kit(workspace, "widgets.yaml", crd_manifest("example.io", "Widget"))
    assert _bpp034(workspace, tmp_path) == []


def test_nothing_is_said_while_a_manifest_directory_reads_remote_resources(
    tmp_path: Path,
) -> None:
    workspace = _workspace(tmp_path)
    _before_kit(
        workspace,
        "kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
        "  - https://example.invalid/widgets/crds.yaml\n",
    )
    assert _bpp034(workspace, tmp_path) == []


def test_nothing_is_said_while_a_kit_entry_does_not_render(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _template(workspace, "base", "broken.yaml", '{{ fail "no" }}\n')
    assert _bpp034(workspace, tmp_path) == []


def test_the_workspace_declares_what_its_clusters_serve(tmp_path: Path) -> None:
    """Compiled again into the same out/: a change of the rule's options re-checks the
    kit, which the partial compile would otherwise carry over unchecked."""
    workspace = _workspace(tmp_path)
    config = workspace / "blueprintc.yaml"
    base = config.read_text()
    config.write_text(
        base + "lint:\n  rules:\n    BPP034:\n      options:\n        served: [example.io/Widget]\n"
    )
    assert _bpp034(workspace, tmp_path) == []
    config.write_text(
        base + "lint:\n  rules:\n    BPP034:\n      options:\n        served: example.io\n"
    )
    found = _bpp034(workspace, tmp_path)
    assert found[0] == (
        7,
        "lint.rules.BPP034.options.served must list API groups or group/Kind pairs",
        "write e.g. `served: [cilium.io, traefik.io/IngressRoute]`",
    )
    assert len(found) == 2  # and the Widget, which nothing declared serves


def test_the_hint_names_a_catalog_blueprint_that_installs_the_kind(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    widgets = workspace / "blueprints" / "widgets"
    shutil.copytree(workspace / "blueprints" / "base", widgets)
    (widgets / "chart" / "crds").mkdir()
    (widgets / "chart" / "crds" / "widgets.yaml").write_text(crd_manifest("example.io", "Widget"))
    for name in ("blueprint.yaml", "chart/Chart.yaml"):
        path = widgets / name
        path.write_text(path.read_text().replace("bp-base", "bp-widgets"))
    (found,) = _bpp034(workspace, tmp_path)
    assert found[2] is not None
    assert found[2].startswith(
        "add bp-widgets, which installs the Widget CRD, to the bootstrap kit and depend on it"
    )


def test_lint_checks_the_option_against_the_workspace_schema(tmp_path: Path) -> None:
    """A pre-commit lint (BPS003) says it before any compile, as an editor does with the
    schema; `served: [example.io, Example.io]` has one entry no API group matches."""
    workspace = _workspace(tmp_path)
    config = workspace / "blueprintc.yaml"
    config.write_text(
        config.read_text()
        + "lint:\n  rules:\n    BPP034:\n      options:\n        served: [example.io, Example.io]\n"
    )
    found = lint([workspace], root=workspace, select={"BPS003"}).active
    assert [(d.location.file, d.location.line) for d in found] == [("blueprintc.yaml", 7)]
    assert "Example.io" in found[0].message


def test_a_version_the_kits_crd_does_not_serve_is_reported(tmp_path: Path) -> None:
    """bp-base ships the Widget CRD serving v1 (v1beta1 still listed, `served: false`, as
    an upstream keeps a dropped version for stored objects); bp-gateway writes v1beta1."""
    workspace = _workspace(tmp_path)
    crds = workspace / "blueprints" / "base" / "chart" / "crds"
    crds.mkdir()
    crd = crd_manifest("example.io", "Widget", versions=("v1", "v1beta1"))
    at_v1beta1 = crd.rindex("      served: true")
    crd = crd[:at_v1beta1] + crd[at_v1beta1:].replace("served: true", "served: false", 1)
    (crds / "widgets.yaml").write_text(crd)
    _template(workspace, "gateway", "widget.yaml", WIDGET.replace("v1", "v1beta1"))
    (found,) = _bpp034(workspace, tmp_path)
    assert found == (
        25,
        "bootstrap-kit entry bp-gateway renders Widget w (example.io/v1beta1), at a version "
        "the kit's CRD of Widget does not serve (it serves v1): Helm's install fails ('no "
        'matches for kind "Widget" in version "example.io/v1beta1"\')',
        "write apiVersion: example.io/v1 in the chart (or set it in the entry's `values:` if "
        "the chart takes it from there), or pin the release that installs the CRD to a "
        "version that still serves v1beta1",
    )
    _template(workspace, "gateway", "widget.yaml", WIDGET)  # at v1: served
    assert _bpp034(workspace, tmp_path) == []
