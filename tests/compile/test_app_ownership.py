"""BPP033 among Applications: an object two Applications of one vcluster render (the
same cluster-scoped object, or the same object in a namespace the chart names). Flux's
Helm takes it over at each install, and uninstalling one deletes it from under the
other; a name made from the release name never clashes."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import run_compile
from tests.cli.helpers import HELM_LABELS

CASES = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP033"
APPS = "  applications:\n"
TWO_APPS = """\
    - name: shop
      blueprint: bp-app
      version: ^1.0
    - name: store
      blueprint: bp-app
      version: ^1.0
"""


def _workspace(tmp_path: Path, template: str, apps: str = TWO_APPS) -> Path:
    """The BPP033 pass case with `apps` as acme's Applications and `template` added to
    bp-app's chart."""
    workspace = tmp_path / "ws"
    shutil.copytree(CASES / "pass", workspace)
    org = workspace / "organizations" / "acme.yaml"
    text = org.read_text()
    org.write_text(text[: text.index(APPS)] + APPS + apps)
    (workspace / "blueprints" / "app" / "chart" / "templates" / "owned.yaml").write_text(template)
    return workspace


def _object(kind: str, name: str, extra: str = "", api_version: str = "v1") -> str:
    return (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n{extra}{HELM_LABELS}"
    )


CLUSTER_ROLE = "rbac.authorization.k8s.io/v1"


def _found(tmp_path: Path, template: str, apps: str = TWO_APPS) -> list[tuple[int, str, str]]:
    workspace = _workspace(tmp_path, template, apps)
    outcome = run_compile(workspace, out=tmp_path / "out")
    return [
        (d.location.line, d.message, d.hint)
        for d in outcome.diagnostics
        if d.rule == "BPP033" and d.location.file == "organizations/acme.yaml"
    ]


def test_a_fixed_cluster_role_of_two_applications_is_one_finding_at_the_second(
    tmp_path: Path,
) -> None:
    found = _found(tmp_path, _object("ClusterRole", "app-reader", api_version=CLUSTER_ROLE))
    [(line, message, hint)] = found
    assert line == 15  # store's entry
    assert message.startswith(
        "Application store (prod, dev) renders ClusterRole app-reader, which Application "
        "shop renders too, in a vcluster both run in"
    )
    assert "uninstalling either deletes it from under the other" in message
    assert hint.startswith("let one Application own it: turn it off in store's `config:`")


def test_a_name_made_from_the_release_name_never_clashes(tmp_path: Path) -> None:
    """Both Applications share one render of bp-app, where the name looks alike
    (`bp-app-reader`); as installed, it is `shop-reader` and `store-reader`."""
    role = _object("ClusterRole", "{{ .Release.Name }}-reader", api_version=CLUSTER_ROLE)
    assert _found(tmp_path, role) == []


def test_applications_in_different_regions_run_in_different_vclusters(tmp_path: Path) -> None:
    apart = TWO_APPS + "      placement:\n        regions: [oci-fra]\n"
    role = _object("ClusterRole", "app-reader", api_version=CLUSTER_ROLE)
    assert _found(tmp_path, role, apart) == []


def test_a_namespaced_object_clashes_only_in_a_namespace_the_chart_names(
    tmp_path: Path,
) -> None:
    own = _object("ConfigMap", "app-settings")  # each in its Application's namespace
    assert _found(tmp_path / "own", own) == []
    named = _object("ConfigMap", "app-settings", "  namespace: shared\n")
    [(_, message, _)] = _found(tmp_path / "named", named)
    assert message.startswith("Application store (prod, dev) renders ConfigMap shared/app-settings")
