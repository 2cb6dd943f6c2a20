"""A Sovereign whose kit is shaped like a real platform's compiles, and its kit is
golden-tested (issue 12): tests/fixtures/platform-sovereign has the CNI first
(`cilium`, slot 0), storage (`bp-seaweedfs`), an observability backend on that
storage (`loki`, which does not declare it: the kit entry does), cert-manager with
its CRDs and two charts using them (`cluster-issuers` declares it, `bp-keycloak`'s
kit entry does), bare and prefixed names, and most of what a hand-written kit sets
(waits, timeouts, remediation, CRD policy, preserveValues, labelled Namespaces, the
kit Kustomization's wait, timeout and source, identity and logs kept off the DMZ
edge clusters, an `infrastructure/` step before the kit and another after it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml
from syrupy.assertion import SnapshotAssertion

from blueprintc.compile.run import run_compile
from blueprintc.validate import validate_tree

from .helpers import REPO, TextSnapshot, tree_files

FIXTURE = REPO / "tests" / "fixtures" / "platform-sovereign"
KIT = "clusters/ridge/bootstrap-kit/"
MANIFESTS = "clusters/ridge/manifests/"
HOSTS = ("clusters/ridge/hosts/hz-fsn-mgt-prod/", "clusters/ridge/hosts/hz-nbg-dmz-prod/")


def _workspace(tmp_path: Path, old: str = "", new: str = "") -> tuple[Path, str]:
    """A copy of the fixture, its sovereign.yaml edited (`old` -> `new`): the copy and
    the text before the edit."""
    workspace = tmp_path / "ws"
    shutil.copytree(FIXTURE, workspace)
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    assert old in text
    if old:
        sovereign.write_text(text.replace(old, new))
    return workspace, text


def _compile(workspace: Path, out: Path) -> dict[str, bytes]:
    outcome = run_compile(workspace, out=out)
    assert [d.message for d in outcome.diagnostics] == []
    return tree_files(out)


def test_the_platform_kit_compiles_valid_and_matches_its_snapshot(
    tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    files = _compile(FIXTURE, tmp_path / "out")
    assert [d.message for d in validate_tree(tmp_path / "out", kustomize=True)] == []
    shown = sorted(p for p in files if p.startswith((KIT, MANIFESTS, *HOSTS)))
    text = "".join(f"# --- {path}\n{files[path].decode()}" for path in shown)
    assert text == snapshot.use_extension(TextSnapshot)
    assert _compile(FIXTURE, tmp_path / "again") == files  # byte for byte


def test_the_kit_orders_what_the_blueprints_never_declared(tmp_path: Path) -> None:
    files = _compile(FIXTURE, tmp_path / "out")
    depends = {}
    for data in files.values():
        for doc in yaml.safe_load_all(data):
            if isinstance(doc, dict) and doc.get("kind") == "HelmRelease":
                spec = doc["spec"]
                depends[doc["metadata"]["name"]] = [d["name"] for d in spec.get("dependsOn", [])]
    assert depends == {
        "bp-cilium": [],
        "bp-seaweedfs": ["bp-cilium"],
        "bp-cert-manager": ["bp-cilium"],
        "bp-cluster-issuers": ["bp-cert-manager"],  # from its blueprint.yaml
        "bp-loki": ["bp-seaweedfs"],
        "bp-keycloak": ["bp-cilium", "bp-cert-manager"],  # as the entry lists them
    }


def test_without_its_kit_dependency_identity_is_bpp027(tmp_path: Path) -> None:
    """bp-keycloak renders a cert-manager Certificate: without the kit entry's
    dependency on bp-cert-manager, compile names the kind and the release."""
    workspace, text = _workspace(
        tmp_path, "dependsOn: [cilium, bp-cert-manager]", "dependsOn: [cilium]"
    )
    (diagnostic,) = run_compile(workspace, out=tmp_path / "out").diagnostics
    assert diagnostic.rule == "BPP027"
    assert diagnostic.message == (
        "bootstrap-kit entry bp-keycloak renders Certificate keycloak-tls (cert-manager.io), "
        "whose CRD kit entry bp-cert-manager installs, but does not depend on bp-cert-manager"
    )
    assert text.splitlines()[diagnostic.location.line - 1] == "    - blueprint: bp-keycloak"


def test_placed_entries_reach_only_their_host_clusters(tmp_path: Path) -> None:
    """Each host cluster's kit, as kustomize builds it: identity on the management
    clusters and hz-nbg-rtz-prod, logs on mgt and rtz, neither on a DMZ edge."""
    out = tmp_path / "out"
    files = _compile(FIXTURE, out)
    releases = {}
    for path, data in files.items():
        if path.endswith("/bootstrap-kit.yaml") and "/hosts/" in path:
            kit = yaml.safe_load(data)["spec"]["path"]
            built = subprocess.run(
                ["kubectl", "kustomize", str(out / kit)], capture_output=True, text=True, check=True
            ).stdout
            host = path.split("/")[3]
            releases[host] = sorted(
                d["metadata"]["name"]
                for d in yaml.safe_load_all(built)
                if d and d["kind"] == "HelmRelease"
            )
    base = ["bp-cert-manager", "bp-cilium", "bp-cluster-issuers", "bp-seaweedfs"]
    for host, names in releases.items():
        block = host.split("-")[2]
        expected = set(base)
        if block in ("mgt", "rtz"):
            expected.add("bp-loki")
        if block == "mgt" or host == "hz-nbg-rtz-prod":
            expected.add("bp-keycloak")
        assert names == sorted(expected), host
    assert len(releases) == 12  # 6 building blocks in 3 regions x 2 env types


def test_manifest_steps_wrap_the_kit_and_are_compile_inputs(tmp_path: Path) -> None:
    """`spec.kit.before`/`after`: each directory is copied (FQDN parametrised) and
    applied by a Flux Kustomization on every host cluster, the kit's depending on the
    `before` ones, the `after` ones on the kit; an edit to one re-plans the kit."""
    workspace, _ = _workspace(tmp_path)
    out = tmp_path / "out"
    files = _compile(workspace, out)
    host = "clusters/ridge/hosts/oci-fra-rtz-dev/"
    specs = {
        name: yaml.safe_load(files[f"{host}{name}.yaml"])["spec"]
        for name in ("infrastructure", "bootstrap-kit", "post-install")
    }
    assert specs["bootstrap-kit"]["dependsOn"] == [{"name": "infrastructure"}]
    assert specs["post-install"]["dependsOn"] == [{"name": "bootstrap-kit"}]
    assert "dependsOn" not in specs["infrastructure"]
    assert specs["infrastructure"]["path"] == "./clusters/ridge/manifests/infrastructure"
    banner = files[MANIFESTS + "post-install/console-banner.yaml"].decode()
    assert "console.${SOVEREIGN_FQDN}" in banner and "t41.omani.works" not in banner
    classes = workspace / "infrastructure" / "priority-classes.yaml"
    classes.write_text(classes.read_text().replace("value: 1000\n", "value: 2000\n"))
    again = _compile(workspace, out)
    changed = {p for p in files if files[p] != again.get(p)}
    assert changed == {MANIFESTS + "infrastructure/priority-classes.yaml"}


def test_manifest_steps_are_checked_where_they_are_named(tmp_path: Path) -> None:
    workspace, text = _workspace(
        tmp_path, "before: [infrastructure]", "before: [infrastructure, missing, kit]"
    )
    (workspace / "kit").mkdir()
    bad = workspace / "infrastructure" / "bad.yaml"
    bad.write_text("kind: ConfigMap\nkind: Secret\n")
    found = run_compile(workspace, out=tmp_path / "out").diagnostics
    described = sorted((d.rule, d.location.file, d.location.line) for d in found)
    line = text.splitlines().index("    before: [infrastructure]") + 1
    assert described == [
        ("BPI002", "infrastructure/bad.yaml", 2),
        ("BPP015", "sovereign.yaml", line),
        ("BPP015", "sovereign.yaml", line),
    ], [d.message for d in found]
