"""An Application may not take a name compile gives its own objects in a vcluster
(BPP013 at its `name:`): `applications` replaced the root Kustomization that applies it
(and compiled, exit 0), `environment` failed as a "blueprintc bug" (BPC003) at a
generated file, `flux-system` made Flux's namespace the Application's to prune, and
`kustomization` overwrote the vcluster's list of Applications."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.repos import reserved_application_names
from blueprintc.compile.run import plan
from tests.cli.helpers import invoke
from tests.compile.helpers import REPO, copy_workspace, line_of

INITECH = "organizations/initech.yaml"
RESERVED = ["applications", "environment", "flux-system", "kustomization"]


@pytest.mark.parametrize("name", RESERVED)
def test_a_reserved_application_name_is_bpp013_at_its_name(tmp_path: Path, name: str) -> None:
    root = copy_workspace(tmp_path / "ws")
    org = root / INITECH
    text = org.read_text(encoding="utf-8")
    assert text.count("- name: portal\n") == 1
    org.write_text(text.replace("- name: portal\n", f"- name: {name}\n"), encoding="utf-8")
    result = invoke("compile", root)
    assert result.exit_code == 1, result.output
    line = line_of(org, f"- name: {name}")
    assert f"{INITECH}:{line}:13: error BPP013 [name-canon] Application {name} " in result.output
    assert f"reserved: {', '.join(RESERVED)}" in result.output
    assert "BPC003" not in result.output and "blueprintc bug" not in result.output
    assert not (root / "out" / "vclusters").exists()


def test_the_reserved_names_are_those_compile_gives_its_own_objects_in_a_vcluster() -> None:
    """Read off the compiled reference workspace: the Flux objects of a vcluster's
    bootstrap (their names and namespace) and the files beside the Applications' own."""
    outcome = plan(REPO)
    apps = {a.name for o in outcome.result.inputs.organizations for a in o.applications}
    own: set[str] = set()
    for file in outcome.files:
        if not file.path.startswith("vclusters/"):
            continue
        if "/applications/" in file.path:
            stem = file.path.rsplit("/", 1)[1].removesuffix(".yaml")
            own |= {stem} - apps
        for doc in file.documents:
            if "metadata" not in doc:
                continue  # kustomize's own kustomization.yaml
            own |= {doc["metadata"].get("namespace")} - apps - {None}
            if doc.get("kind") in ("GitRepository", "Kustomization"):
                own |= {doc["metadata"]["name"]} - apps
    assert sorted(own) == sorted(reserved_application_names()) == RESERVED
