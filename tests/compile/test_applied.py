"""Every directory of the fleet tree is applied by something: a Flux Kustomization in
the tree (host clusters: the bootstrap kit; the management cluster:
system/catalyst-config/), or the vcluster bootstrap the platform runs (vclusters/,
README "Who applies what"); a spec key compile would ignore is refused."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.hostile.harness import assert_refused, run_cli

from .helpers import GOLDEN, copy_workspace, tree_files


def _kustomization_paths(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Flux Kustomization path (without ./) -> the files that apply it."""
    applied: dict[str, list[str]] = {}
    for path, data in files.items():
        if not path.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(data):
            if isinstance(doc, dict) and doc.get("apiVersion", "").startswith(
                "kustomize.toolkit.fluxcd.io/"
            ):
                applied.setdefault(doc["spec"]["path"].removeprefix("./"), []).append(path)
    return applied


def test_every_fleet_directory_is_applied() -> None:
    files = tree_files(GOLDEN)
    applied = _kustomization_paths(files)
    assert applied["system/catalyst-config"] == [
        "clusters/omantel/hosts/hz-fsn-mgt-prod/catalyst-config.yaml"
    ]
    hosts = {p.split("/")[3] for p in files if p.startswith("clusters/omantel/hosts/")}
    assert sorted(applied["clusters/omantel/bootstrap-kit"]) == sorted(
        f"clusters/omantel/hosts/{h}/bootstrap-kit.yaml" for h in hosts
    )
    for vcluster in {p.split("/")[1] for p in files if p.startswith("vclusters/")}:
        assert applied[f"vclusters/{vcluster}/applications"]  # by its own bootstrap
    # the entry points of the fleet repository (everything but the Application repos)
    roots = {
        str(Path(p).parent)
        for p in files
        if p.endswith("/kustomization.yaml") and not p.startswith("repos/")
    }
    unapplied = {
        r
        for r in roots
        if r not in applied
        and not any(r.startswith(a + "/") for a in applied)
        and not r.startswith(("vclusters/", "clusters/omantel/hosts/"))
    }
    assert unapplied == set(), "README must name who applies these"


def test_environment_repo_is_refused_by_the_schema(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    sovereign = workspace / "sovereign.yaml"
    text = sovereign.read_text()
    sovereign.write_text(
        text.replace("    baseUrl:", "    environmentRepo: environment\n    baseUrl:", 1)
    )
    run = run_cli("compile", cwd=workspace)
    assert_refused(run, "BPP015", "environmentRepo", code=1)
