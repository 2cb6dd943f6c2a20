"""Compile renders every kit chart and reads install order from what it renders
(issue 12 point 5): a custom resource needs a dependency path to the release that
installs its CRD (BPP027), a release shipping a CRD and a resource of it is BPG009,
and a chart whose dependencies are not built is not rendered at all."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import run_compile
from blueprintc.diagnostics import Diagnostic

CASES = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP027"
KIT = "  bootstrapKit:\n"


def kit_workspace(tmp_path: Path, kit: str) -> Path:
    """The BPP027 pass case, its Sovereign's bootstrap kit replaced by `kit`."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASES / "pass", workspace)
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    sovereign.write_text(text[: text.index(KIT)] + KIT + kit)
    return workspace


def _found(workspace: Path, out: Path) -> list[tuple[str, int, str]]:
    outcome = run_compile(workspace, out=out)
    return [(d.rule, d.location.line, d.message) for d in outcome.diagnostics]


def test_a_dependency_path_through_another_release_is_enough(tmp_path: Path) -> None:
    mid = tmp_path / "ws" / "blueprints" / "mid"
    workspace = kit_workspace(
        tmp_path,
        "    - blueprint: bp-base\n      version: ^1.0\n"
        "    - blueprint: mid\n      version: ^1.0\n      dependsOn: [base]\n"
        "    - blueprint: bp-gateway\n      version: ^1.0\n      dependsOn: [mid]\n",
    )
    shutil.copytree(workspace / "blueprints" / "app", mid)
    for name in ("blueprint.yaml", "chart/Chart.yaml"):  # Chart.yaml says bp-app (BPS008)
        path = mid / name
        path.write_text(
            path.read_text().replace("name: app", "name: mid").replace("bp-app", "bp-mid")
        )
    blueprint = mid / "blueprint.yaml"
    text = blueprint.read_text()
    blueprint.write_text(
        text[: text.index("  depends:")] + text[text.index("  placementSchema:") :]
    )
    assert _found(workspace, tmp_path / "out") == []


def test_a_release_shipping_a_crd_and_a_resource_of_it_is_bpg009(tmp_path: Path) -> None:
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    shutil.copy(
        workspace / "blueprints" / "gateway" / "chart" / "templates" / "widget.yaml",
        workspace / "blueprints" / "base" / "chart" / "templates" / "widget.yaml",
    )
    (rule, line, message), *rest = _found(workspace, tmp_path / "out")
    assert (rule, line, rest) == ("BPG009", 23, [])
    assert "renders Widget base (example.io)" in message
    # its CRD is in crds/: Helm creates it first, so the reason is the upgrade, not the apply
    assert message.endswith(
        "installs: Helm creates a crds/ CRD on the first install only and no upgrade "
        "updates it (Flux's `upgrade.crds: Skip`), so the canon splits them into two releases"
    )


def test_a_release_rendering_a_crd_and_a_resource_of_it_fails_its_apply(tmp_path: Path) -> None:
    """The CRD in templates/: it goes to the API server with the resource, which fails."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    chart = workspace / "blueprints" / "base" / "chart"
    (chart / "crds" / "widgets.yaml").rename(chart / "templates" / "crd.yaml")
    shutil.copy(
        workspace / "blueprints" / "gateway" / "chart" / "templates" / "widget.yaml",
        chart / "templates" / "widget.yaml",
    )
    [(rule, _, message)] = _found(workspace, tmp_path / "out")
    assert rule == "BPG009"
    assert message.endswith(
        "installs: on a fresh cluster the apply fails with 'no matches for kind'"
    )


def test_a_subcharts_crd_and_resources_are_switched_off_in_its_values(tmp_path: Path) -> None:
    """velero's default values create a BackupStorageLocation beside its CRDs: the fix is
    a value under the subchart's key, which the hint names, not a split of its chart."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    chart = workspace / "blueprints" / "base" / "chart"
    subchart = chart / "charts" / "widgets"
    (subchart / "templates").mkdir(parents=True)
    (chart / "crds").rename(subchart / "crds")
    shutil.copy(
        workspace / "blueprints" / "gateway" / "chart" / "templates" / "widget.yaml",
        subchart / "templates" / "widget.yaml",
    )
    (subchart / "Chart.yaml").write_text("apiVersion: v2\nname: widgets\nversion: 2.0.0\n")
    (chart / "Chart.yaml").write_text(
        (chart / "Chart.yaml").read_text()
        + "dependencies:\n  - name: widgets\n    version: 2.0.0\n"
        + "    repository: oci://registry.example.test/charts\n"
    )
    outcome = run_compile(workspace, out=tmp_path / "out")
    [found] = [d for d in outcome.diagnostics if d.rule == "BPG009"]
    assert "renders Widget base (example.io)" in found.message
    assert found.hint == (
        "the subchart widgets renders them: switch them off in its values (under `widgets:` "
        "in the kit entry's `values:` or in the Blueprint's values.yaml), or move them into "
        "a Blueprint that depends on this one"
    )


def test_a_chart_with_unbuilt_dependencies_is_not_rendered(tmp_path: Path) -> None:
    """Helm renders a subchart missing from charts/ as nothing: compile refuses to
    check such a render, at the kit entry, and says how to build the dependencies."""
    diagnostic = _the_render_finding(tmp_path, "name")
    assert "dependency widgets 2.0.0 is missing" in diagnostic.message
    assert diagnostic.hint == "run `helm dependency build blueprints/base/chart` before compiling"
    assert not (tmp_path / "out").exists()


def _the_render_finding(tmp_path: Path, key: str) -> Diagnostic:
    """The one finding of compiling a kit whose chart depends on `widgets` 2.0.0, named
    by `key` (`name`, or `alias` for the slip), not built: BPP016 at the kit entry."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    chart = workspace / "blueprints" / "base" / "chart" / "Chart.yaml"
    chart.write_text(
        chart.read_text()
        + f"dependencies:\n  - {key}: widgets\n    version: 2.0.0\n"
        + "    repository: oci://registry.example.test/charts\n"
    )
    (diagnostic,) = run_compile(workspace, out=tmp_path / "out").diagnostics
    assert (diagnostic.rule, diagnostic.location.line) == ("BPP016", 23)
    return diagnostic


def test_a_chart_with_a_dependency_that_names_no_chart_is_not_rendered(tmp_path: Path) -> None:
    """`alias:` written for `name:`: the dependency list had no name to check, so the
    chart was rendered without the subchart (as nothing) and compiled clean."""
    diagnostic = _the_render_finding(tmp_path, "alias")
    assert "the chart's dependency 1 (widgets) names no chart" in diagnostic.message
    assert diagnostic.hint.startswith(
        "set `name:` to the chart's name in its repository in blueprints/base/chart/Chart.yaml"
    )
    assert not (tmp_path / "out").exists()


def test_applications_are_ordered_against_their_siblings_crds(tmp_path: Path) -> None:
    """The same check among the Applications of one Environment (one vcluster): gw
    renders a Widget whose CRD the sibling Application base installs."""
    workspace = kit_workspace(tmp_path, "    []\n")
    organization = workspace / "organizations" / "acme.yaml"
    apps = "".join(
        f"    - name: {name}\n      blueprint: {blueprint}\n      version: ^1.0\n"
        for name, blueprint in (("base", "bp-base"), ("gw", "bp-gateway"))
    )
    text = organization.read_text()
    organization.write_text(text.replace("  applications:\n", "  applications:\n" + apps))
    line = organization.read_text().splitlines().index("    - name: gw") + 1
    found = _found(workspace, tmp_path / "out")
    assert [(rule, at) for rule, at, _ in found] == [("BPP027", line), ("BPP027", line)]
    assert found[1][2] == (
        "Application gw (prod) renders Widget bp-gateway (example.io), whose CRD "
        "Application base installs, but does not depend on base"
    )


def test_a_template_calling_an_undefined_function_gets_the_one_meant(tmp_path: Path) -> None:
    """The kit entry's render fails to parse (`quot` for `quote`): BPP016 at the entry,
    with the function meant, as lint's BPG003 says it at the call."""
    workspace = kit_workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    template = workspace / "blueprints" / "base" / "chart" / "templates" / "x.yaml"
    template.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name | quot }}\n"
    )
    (diagnostic,) = run_compile(workspace, out=tmp_path / "out").diagnostics
    assert diagnostic.rule == "BPP016"
    assert 'function "quot" not defined' in diagnostic.message
    assert diagnostic.hint is not None and diagnostic.hint.startswith("call quote: quot is none")
