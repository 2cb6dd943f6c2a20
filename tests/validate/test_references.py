"""Every reference resolves on the cluster it lands on (BPC003, issue 12 point 7):
host clusters from their entry points, vclusters through the Application
repositories their Kustomizations follow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from blueprintc.compile.outcome import outcome_of
from blueprintc.compile.run import plan
from blueprintc.validate import validate_tree
from blueprintc.validate.references import unresolved_references
from tests.compile.helpers import GOLDEN, copy_workspace

KIT = "clusters/omantel/bootstrap-kit/"
VCLUSTER = "vclusters/hz-nbg-rtz-prod-acme/"
SHOP = "repos/acme/shop/main/base/"


def _golden(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(GOLDEN, out)
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def _unresolved(out: Path) -> list[tuple[str, str]]:
    return [
        (d.location.file, d.message)
        for d in validate_tree(out, kustomize=False)
        if d.rule == "BPC003"
    ]


def test_the_golden_tree_resolves_and_is_really_walked() -> None:
    files = {}
    for path in GOLDEN.rglob("*.yaml"):
        rel = path.relative_to(GOLDEN).as_posix()
        files[rel] = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert unresolved_references(files, set(files)) == []
    # each HelmRelease of an Application repo is reached (through its vcluster), so a
    # reference in it is checked: drop every HelmRepository and each one is reported
    stripped = {
        p: [d for d in docs if d.get("kind") != "HelmRepository"] for p, docs in files.items()
    }
    reported = {u.file for u in unresolved_references(stripped, set(files))}
    releases = {p for p, docs in files.items() if any(d.get("kind") == "HelmRelease" for d in docs)}
    assert reported == releases


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            KIT + "01-bp-postgres.yaml",
            "    - name: bp-cert-manager",
            "    - name: bp-cert-manger",
            "HelmRelease flux-system/bp-postgres: dependsOn HelmRelease flux-system/bp-cert-manger",
        ),
        (
            VCLUSTER + "flux-system/applications.yaml",
            "path: ./vclusters/hz-nbg-rtz-prod-acme/applications",
            "path: ./vclusters/hz-nbg-rtz-prod-acme/apps",
            "Kustomization flux-system/applications applies path "
            "./vclusters/hz-nbg-rtz-prod-acme/apps, which is not in the tree",
        ),
        (
            VCLUSTER + "applications/shop.yaml",
            "name: sovereign-parameters",
            "name: sovereign-params",
            "Kustomization flux-system/shop: substituteFrom ConfigMap flux-system/sovereign-params",
        ),
        (
            VCLUSTER + "applications/shop.yaml",
            "name: git-signing-keys",
            "name: git-keys",
            "GitRepository flux-system/shop: verify.secretRef Secret flux-system/git-keys",
        ),
        (
            SHOP + "helmrelease.yaml",
            "name: chart-signing-keys",
            "name: chart-keys",
            "HelmRelease shop/shop: chart.spec.verify.secretRef Secret shop/chart-keys",
        ),
        (
            VCLUSTER + "flux-system/receiver.yaml",
            "      name: shop",
            "      name: shopp",
            "Receiver flux-system/gitea: resources GitRepository flux-system/shopp",
        ),
    ],
)
def test_a_broken_reference_is_reported_at_its_file(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    out = _golden(tmp_path)
    _edit(out / file, old, new)
    found = _unresolved(out)
    assert any(f == file and message.startswith(expected) for f, message in found), found
    # and nothing else, but what depends on the path's objects (the Receiver's sources)
    assert {f for f, _ in found} - {file} <= {VCLUSTER + "flux-system/receiver.yaml"}


def test_compile_checks_its_plan_before_writing(tmp_path: Path) -> None:
    """A dangling reference in the plan (a compiler bug: the plan rules catch every input
    mistake that would lead there) is one BPC003 per file, naming the clusters."""
    workspace = copy_workspace(tmp_path / "ws")
    outcome = plan(workspace)
    assert outcome.diagnostics == []
    assert outcome.result is not None
    release = next(f for f in outcome.result.files if f.path == KIT + "01-bp-postgres.yaml")
    release.documents[1]["spec"]["dependsOn"] = [{"name": "bp-cnpg"}]
    (diagnostic,) = outcome_of(outcome.result, validate=True).diagnostics
    assert diagnostic.rule == "BPC003"
    assert diagnostic.location.file == "out/" + KIT + "01-bp-postgres.yaml"
    assert diagnostic.message.startswith(
        "HelmRelease flux-system/bp-postgres: dependsOn HelmRelease flux-system/bp-cnpg, which "
        "nothing in the tree applies on its cluster (on 30 clusters (host cluster hz-fsn-dmz-dev"
    )
