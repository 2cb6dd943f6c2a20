"""BPG023: the kustomizations of a Blueprint beside its manifests' build too.

The platform's repository keeps kustomize bases inside a chart (its templates/ and two
directories below, applied by one cluster's Flux Kustomization as plain YAML, listed in
.helmignore). One of them once held a git error message in place of its resources, and
that cluster's Flux applied nothing for hours (openova-io/openova#300); lint said
nothing, as nothing built it."""

from __future__ import annotations

from pathlib import Path

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.test_kustomize_remote import BLUEPRINT, KUSTOMIZATION
from tests.offline import closed_port

CHART = "blueprints/demo/chart"
SERVICES = f"{CHART}/templates/services"
# Plain YAML: kustomize reads the files as they are, Helm never renders them.
CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
HELMIGNORE = "templates/services/\n"
# What `git show REV:PATH > kustomization.yaml 2>&1` wrote when the path was not there.
GIT_ERROR = (
    "fatal: path 'templates/services/kustomization.yaml' exists on disk, but not in 'HEAD^'\n"
)


def _lint(files: dict[str, str], tmp_path: Path, offline: bool = False) -> list[Diagnostic]:
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"}, extra=files)
    result = lint([workspace], root=workspace, jobs=1, offline=offline)
    return [d for d in result.diagnostics if d.rule in ("BPG023", "BPG011", "BPG010")]


def _services(kustomization: str) -> dict[str, str]:
    return {
        f"{CHART}/.helmignore": HELMIGNORE,
        f"{SERVICES}/kustomization.yaml": kustomization,
        f"{SERVICES}/settings.yaml": CONFIG_MAP,
    }


def test_a_kustomization_holding_a_git_error_is_bpg023_at_the_stray_key(tmp_path: Path) -> None:
    found = _lint(_services(GIT_ERROR), tmp_path)
    assert [(d.rule, d.location.file, d.location.line) for d in found] == [
        ("BPG023", f"{SERVICES}/kustomization.yaml", 1)
    ]
    assert found[0].message == (
        f'kubectl kustomize {SERVICES} fails: invalid Kustomization: json: unknown field "fatal"'
    )
    assert found[0].hint.startswith("`fatal` is no field of a kustomization")


def test_a_listed_file_that_is_not_there_is_named_at_its_entry(tmp_path: Path) -> None:
    files = _services(f"{KUSTOMIZATION}resources:\n  - settings.yaml\n  - ui.yaml\n")
    found = _lint(files, tmp_path)
    assert [(d.rule, d.location.line, d.location.column) for d in found] == [("BPG023", 5, 5)]
    assert found[0].message == (
        f"kubectl kustomize {SERVICES} fails: ui.yaml does not exist, and the kustomization "
        "lists it"
    )


def test_kustomizations_that_build_and_components_pass(tmp_path: Path) -> None:
    files = {
        **_services(f"{KUSTOMIZATION}resources:\n  - settings.yaml\n"),
        # A Component builds only inside a kustomization that includes it.
        f"{SERVICES}/extra/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "patches:\n  - path: patch.yaml\n"
        ),
        f"{SERVICES}/extra/patch.yaml": CONFIG_MAP,
    }
    assert _lint(files, tmp_path) == []


def test_the_kustomizations_a_kustomize_blueprint_builds_are_bpg010s(tmp_path: Path) -> None:
    """A base its manifests include fails that build: one BPG010, no BPG023 beside it. An
    overlay nothing includes is built alone."""
    base = "blueprints/policies"
    files = {
        f"{base}/blueprint.yaml": BLUEPRINT,
        f"{base}/manifests/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - base\n",
        f"{base}/manifests/base/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - gone.yaml\n",
        f"{base}/overlays/test/kustomization.yaml": (
            f"{KUSTOMIZATION}resources:\n  - ../../manifests\n  - missing.yaml\n"
        ),
    }
    workspace = write_workspace(tmp_path / "ws", {}, extra=files)
    result = lint([workspace], root=workspace, jobs=1)
    assert [(d.rule, d.location.file) for d in result.active] == [
        ("BPG010", f"{base}/manifests/kustomization.yaml"),
        ("BPG023", f"{base}/overlays/test/kustomization.yaml"),
    ]


def test_offline_one_that_fetches_is_not_built_and_bpg011_says_so(tmp_path: Path) -> None:
    remote = f"https://127.0.0.1:{closed_port()}/org/repo//base?ref=v1"
    kustomization = f"{KUSTOMIZATION}resources:\n  - settings.yaml\n  - {remote}\n"
    offline = _lint(_services(kustomization), tmp_path / "a", offline=True)
    assert [(d.rule, d.location.line, d.location.column) for d in offline] == [("BPG011", 5, 5)]
    assert offline[0].message == (
        f"the kustomization {SERVICES} fetches {remote}; --offline skipped its build (BPG023)"
    )
    online = _lint(_services(kustomization), tmp_path / "b")
    assert [(d.rule, d.location.line) for d in online] == [("BPG023", 5)]
    assert online[0].message == (
        f"kubectl kustomize {SERVICES} could not fetch the remote resource {remote}: "
        "connection refused"
    )


def test_the_objects_it_builds_are_checked_against_their_schemas(tmp_path: Path) -> None:
    """What kubeconform does over every `kustomize build` in Flux's own example repository:
    BPG012, in the file that holds the object, at the field."""
    bad = CONFIG_MAP.replace("data:\n  a: b\n", "data:\n  a: [b]\n")
    files = {**_services(f"{KUSTOMIZATION}resources:\n  - settings.yaml\n")}
    files[f"{SERVICES}/settings.yaml"] = bad
    workspace = write_workspace(tmp_path / "ws", {"demo": "replicas: 1\n"}, extra=files)
    found = lint([workspace], root=workspace, jobs=1, select={"BPG012"}).active
    assert [(d.location.file, d.location.line) for d in found] == [(f"{SERVICES}/settings.yaml", 6)]
    assert found[0].message.startswith("ConfigMap settings: data.a: ")


def test_several_are_built_at_once_and_reported_in_file_order(tmp_path: Path) -> None:
    files = {f"{CHART}/.helmignore": "templates/a/\ntemplates/b/\ntemplates/c/\n"}
    for name in ("a", "b", "c"):
        files[f"{CHART}/templates/{name}/kustomization.yaml"] = (
            f"{KUSTOMIZATION}resources:\n  - {name}.yaml\n"
        )
    files[f"{CHART}/templates/b/b.yaml"] = CONFIG_MAP
    found = _lint(files, tmp_path)
    assert [(d.rule, d.location.file, d.location.line) for d in found] == [
        ("BPG023", f"{CHART}/templates/a/kustomization.yaml", 4),
        ("BPG023", f"{CHART}/templates/c/kustomization.yaml", 4),
    ]
