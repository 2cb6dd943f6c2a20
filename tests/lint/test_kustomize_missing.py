"""A kustomization that lists a file that is not there: said in one line, at the entry.

kustomize says it three times through its loader (`evalsymlink failure on 'x.yaml' :
lstat x.yaml: no such file or directory`, then again as "not a valid directory"), and
BPG010 printed all of it at column 1 with "fix the kustomization as kustomize's message
says"."""

from __future__ import annotations

from pathlib import Path

from blueprintc.lint import lint
from tests.lint.test_kustomize_remote import KUSTOMIZATION, _workspace

MANIFESTS = "blueprints/policies/manifests"


def test_a_listed_file_that_is_not_there_is_named_at_its_entry(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "allow-dns.yaml")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})
    found = [(d.location.file, d.location.line, d.location.column) for d in result.active]
    assert found == [(f"{MANIFESTS}/kustomization.yaml", 5, 5)]
    assert result.active[0].message == (
        "kubectl kustomize failed: allow-dns.yaml does not exist, and the kustomization lists it"
    )
    assert result.active[0].hint == (
        "add allow-dns.yaml beside the kustomization, or remove it from the list"
    )


def test_a_base_that_is_there_is_not_called_missing(tmp_path: Path) -> None:
    """The base exists; a file its own kustomization lists does not: kustomize's message
    stands, at the base's entry."""
    workspace = _workspace(tmp_path, "base")
    base = workspace / MANIFESTS / "base"
    base.mkdir()
    (base / "kustomization.yaml").write_text(f"{KUSTOMIZATION}resources:\n  - gone.yaml\n")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})
    assert [(d.location.line, d.location.column) for d in result.active] == [(5, 5)]
    message = result.active[0].message
    assert message.startswith("kubectl kustomize failed: ")
    assert "gone.yaml" in message
    assert "base does not exist" not in message


def test_a_build_that_holds_no_object_is_a_hollow_blueprint(tmp_path: Path) -> None:
    """`resources: []` builds, into nothing: the Blueprint would publish and install
    nothing, and lint passed it."""
    workspace = _workspace(tmp_path, "ns.yaml")
    (workspace / MANIFESTS / "kustomization.yaml").write_text(f"{KUSTOMIZATION}resources: []\n")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"})
    assert [(d.location.file, d.location.line) for d in result.active] == [
        (f"{MANIFESTS}/kustomization.yaml", 3)
    ]
    assert result.active[0].message == (
        f"kubectl kustomize builds no object from {MANIFESTS}: the Blueprint would publish "
        "and install nothing"
    )


def test_a_build_not_run_offline_is_not_called_empty(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "https://github.com/org/repo//dir?ref=v1")
    result = lint([workspace], root=workspace, jobs=1, select={"BPG010"}, offline=True)
    assert result.active == []
