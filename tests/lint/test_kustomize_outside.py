"""A Kustomize Blueprint's build that reads from outside its manifests directory.

blueprintc publishes the manifests directory as the Blueprint's artifact, and Flux builds
that artifact: a `../base` beside `manifests/` (kustomize's own layout: `base/` and
`overlays/`) built on the author's machine and passed lint, and the published artifact
could never build. A file outside (`../cm.yaml`) failed with kubectl's `security; file
... is not in or below ...`. Both are BPG010 at the entry, saying why. A kustomization
that only Flux builds from the Git repository (BPG023) may read outside its directory, as
Flux's kustomize-controller allows (`LoadRestrictionsNone`)."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.lint.test_kustomize_remote import BLUEPRINT, KUSTOMIZATION

BASE = "blueprints/policies"
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"


def _lint(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str]]:
    workspace = write_workspace(
        tmp_path / "ws", {}, extra={f"{BASE}/blueprint.yaml": BLUEPRINT, **files}
    )
    result = lint([workspace], root=workspace, jobs=1, select={"BPG010", "BPG023"})
    return [
        (d.rule, d.location.file, d.location.line, d.location.column, d.message)
        for d in result.active
    ]


def test_a_base_beside_the_manifests_is_bpg010_at_its_entry(tmp_path: Path) -> None:
    found = _lint(
        tmp_path,
        {
            f"{BASE}/manifests/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - ../base\n",
            f"{BASE}/base/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - ns.yaml\n",
            f"{BASE}/base/ns.yaml": NAMESPACE,
        },
    )
    assert found == [
        (
            "BPG010",
            f"{BASE}/manifests/kustomization.yaml",
            4,
            5,
            f"the kustomization reads ../base, outside {BASE}/manifests: the Blueprint's "
            f"artifact holds {BASE}/manifests only, so Flux cannot build it",
        )
    ]


def test_a_file_outside_is_said_so_not_in_kubectls_words(tmp_path: Path) -> None:
    found = _lint(
        tmp_path,
        {
            f"{BASE}/manifests/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - ../ns.yaml\n",
            f"{BASE}/ns.yaml": NAMESPACE,
        },
    )
    assert [(rule, line) for rule, _, line, _, _ in found] == [("BPG010", 4)]
    assert found[0][4].startswith("the kustomization reads ../ns.yaml, outside")


def test_bases_inside_the_manifests_pass(tmp_path: Path) -> None:
    assert (
        _lint(
            tmp_path,
            {
                f"{BASE}/manifests/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - base\n",
                f"{BASE}/manifests/base/kustomization.yaml": (
                    f"{KUSTOMIZATION}resources:\n  - ns.yaml\n"
                ),
                f"{BASE}/manifests/base/ns.yaml": NAMESPACE,
            },
        )
        == []
    )


def test_a_kustomization_flux_builds_from_git_may_read_outside_its_directory(
    tmp_path: Path,
) -> None:
    found = _lint(
        tmp_path,
        {
            f"{BASE}/manifests/kustomization.yaml": f"{KUSTOMIZATION}resources:\n  - ns.yaml\n",
            f"{BASE}/manifests/ns.yaml": NAMESPACE,
            f"{BASE}/clusters/test/kustomization.yaml": (
                f"{KUSTOMIZATION}resources:\n  - ../../shared.yaml\n"
            ),
            f"{BASE}/shared.yaml": NAMESPACE.replace("name: a", "name: b"),
        },
    )
    assert found == []
