"""A Kustomize Blueprint whose kustomization fetches a remote resource.

kustomize fetches a git URL (`https://github.com/org/repo//dir?ref=v1`) when it builds.
Offline, the build could only fail: `lint --offline` does not run it and says so (BPG011,
info, at the entry). Online, a remote that cannot be reached is one BPG010 error at the
entry, naming it and the cause, where kubectl's whole klog record used to stand."""

from __future__ import annotations

from pathlib import Path

from blueprintc.kustomize import clean_error, remote_resources
from blueprintc.lint import lint
from tests.cli.helpers import write_workspace
from tests.offline import closed_port

BLUEPRINT = """\
apiVersion: catalyst.openova.io/v1
kind: Blueprint
metadata:
  name: bp-policies
spec:
  version: 1.0.0
  card:
    title: Policies
  manifests:
    source:
      kind: Kustomize
      ref: ./manifests
"""
KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"


def _workspace(tmp_path: Path, remote: str) -> Path:
    base = "blueprints/policies"
    return write_workspace(
        tmp_path / "ws",
        {},
        extra={
            f"{base}/blueprint.yaml": BLUEPRINT,
            f"{base}/manifests/kustomization.yaml": (
                f"{KUSTOMIZATION}resources:\n  - ns.yaml\n  - {remote}\n"
            ),
            f"{base}/manifests/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
        },
    )


def test_the_remote_resources_kustomize_would_fetch_are_found(tmp_path: Path) -> None:
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "kustomization.yaml").write_text(
        f"{KUSTOMIZATION}components:\n  - git@github.com:org/parts.git//comp?ref=v2\n"
    )
    (tmp_path / "ns.yaml").write_text("kind: Namespace\n")
    (tmp_path / "kustomization.yaml").write_text(
        f"{KUSTOMIZATION}resources:\n"
        "  - ns.yaml\n"
        "  - local\n"
        "  - https://github.com/org/repo//base?ref=v1\n"
        "  - github.com/org/other/overlay?ref=main\n"
        "  - missing.yaml\n"
        "bases:\n  - ssh://git@example.com/org/repo.git\n"
    )
    assert remote_resources(tmp_path) == [
        "https://github.com/org/repo//base?ref=v1",
        "github.com/org/other/overlay?ref=main",
        "ssh://git@example.com/org/repo.git",
        "git@github.com:org/parts.git//comp?ref=v2",  # from the included local directory
    ]


def test_offline_the_build_that_would_fetch_is_skipped_and_said(tmp_path: Path) -> None:
    remote = f"https://127.0.0.1:{closed_port()}/org/repo//base?ref=v1"
    workspace = _workspace(tmp_path, remote)
    result = lint([workspace], root=workspace, jobs=1, offline=True)
    found = [(d.rule, d.location.file, d.location.line) for d in result.diagnostics]
    assert found == [("BPG011", "blueprints/policies/manifests/kustomization.yaml", 5)]
    info = result.diagnostics[0]
    assert remote in info.message
    assert "--offline skipped it" in info.message
    assert "BPG010" in info.message


def test_online_an_unreachable_remote_is_one_error_naming_it_and_why(tmp_path: Path) -> None:
    remote = f"https://127.0.0.1:{closed_port()}/org/repo//base?ref=v1"
    workspace = _workspace(tmp_path, remote)
    result = lint([workspace], root=workspace, jobs=1)
    assert [(d.rule, d.location.line, d.location.column) for d in result.active] == [
        ("BPG010", 5, 5)
    ]
    found = result.active[0]
    assert found.message == (
        f"kubectl kustomize could not fetch the remote resource {remote}: connection refused"
    )
    assert "--offline" in found.hint


def test_a_klog_record_of_several_lines_is_reduced_to_kustomizes_message() -> None:
    """kubectl fences an error of several lines (`err=< ... >`), as a failed git fetch
    gives; only the one-line form (`err="..."`) was taken apart."""
    stderr = (
        'E1206 07:48:18.174022    9977 run.go:72] "command failed" err=<\n'
        "\taccumulating resources: accumulation err='accumulating resources from 'x': "
        "failed to run git fetch': fatal: unable to access 'x':\n"
        "\tCould not resolve host: github.com\n"
        "\t: exit status 128\n"
        " >\n"
    )
    assert clean_error(stderr, Path("/nowhere")) == (
        "accumulating resources: accumulation err='accumulating resources from 'x': failed "
        "to run git fetch': fatal: unable to access 'x': Could not resolve host: github.com "
        ": exit status 128"
    )


def test_a_kustomization_outside_the_workspace_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "kustomization.yaml").write_text(
        f"{KUSTOMIZATION}resources:\n  - https://github.com/org/repo//base?ref=v1\n"
    )
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "kustomization.yaml").write_text(f"{KUSTOMIZATION}resources:\n  - ../outside\n")
    assert remote_resources(workspace, root=workspace) == []
    assert remote_resources(workspace) == ["https://github.com/org/repo//base?ref=v1"]
