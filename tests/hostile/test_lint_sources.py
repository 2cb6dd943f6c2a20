"""Lint on a Blueprint repository's source tree, with hostile twists: a path holding no
Blueprint, a helper library holding a FIFO, a device link and a link out of the
workspace, a `file://` dependency outside the workspace, and a dependency build that
half succeeds before a repository refuses. Bounded time, no traceback, nothing of the
workspace changed (where the build failed), nothing read from outside it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.helpers import write_workspace
from tests.hostile.harness import assert_no_traceback, assert_refused, run_cli, snapshot
from tests.offline import closed_port, commit_all


def _library(root: Path) -> Path:
    library = root / "lib" / "helpers"
    (library / "templates").mkdir(parents=True)
    (library / "Chart.yaml").write_text("apiVersion: v2\nname: helpers\nversion: 0.3.0\n")
    (library / "templates" / "_x.tpl").write_text('{{- define "helpers.x" -}}x{{- end }}\n')
    return library


def _depend(root: Path, *dependencies: str) -> Path:
    chart = root / "blueprints" / "app" / "chart"
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: bp-app\nversion: 1.0.0\ndependencies:\n" + "".join(dependencies)
    )
    return chart


def _git_init(root: Path) -> None:
    (root / ".gitignore").write_text("charts/\n")
    commit_all(root)


def test_a_path_holding_no_blueprint_is_refused_not_passed(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"app": "replicas: 1\n"})
    (root / "products" / "axon").mkdir(parents=True)
    run = run_cli("lint", "products/axon", cwd=root)
    assert_refused(run, "products/axon holds no Blueprint")
    assert "passed" not in run.output


def test_a_helper_library_with_a_fifo_and_links_neither_hangs_nor_leaks(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"app": "replicas: 1\n"})
    library = _library(root)
    os.mkfifo(library / "templates" / "fifo.yaml")
    (library / "templates" / "zero.yaml").symlink_to("/dev/zero")
    outside = tmp_path / "secret.yaml"
    outside.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\n")
    (library / "templates" / "leak.yaml").symlink_to(outside)
    _depend(
        root, "  - name: helpers\n    version: 0.3.0\n    repository: file://../../../lib/helpers\n"
    )
    _git_init(root)
    before = snapshot(root)
    run = run_cli("lint", "--format", "json", cwd=root, timeout=120)
    assert_no_traceback(run)
    assert run.code in (0, 1), str(run)
    assert "leaked" not in run.output
    assert "the guards ran with helpers from lib/helpers" in run.stdout
    assert snapshot(root) == before


def test_a_file_dependency_outside_the_workspace_is_stubbed_never_read(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"app": "replicas: 1\n"})
    outside = _library(tmp_path / "elsewhere")
    (outside / "templates" / "secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\n"
    )
    _depend(
        root,
        "  - name: helpers\n    version: 0.3.0\n    repository: file://../../../../elsewhere/lib/helpers\n",
    )
    _git_init(root)
    before = snapshot(root)
    run = run_cli("lint", cwd=root, timeout=120)
    assert_no_traceback(run)
    assert "leaked" not in run.output
    assert "helpers stood in for by an empty stub" in run.stdout
    assert snapshot(root) == before


def test_a_half_successful_dependency_build_leaves_nothing_behind(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"app": "replicas: 1\n"})
    _library(root)
    url = f"https://127.0.0.1:{closed_port()}/charts"
    _depend(
        root,
        "  - name: helpers\n    version: 0.3.0\n    repository: file://../../../lib/helpers\n",
        f"  - name: podinfo\n    version: 6.7.1\n    repository: {url}\n",
    )
    _git_init(root)
    before = snapshot(root)
    run = run_cli("lint", "--dependency-build", cwd=root, timeout=120)
    assert run.code == 1, str(run)
    assert_no_traceback(run)
    assert f"repository {url} (podinfo 6.7.1) cannot be reached: connection refused" in run.stdout
    assert "helm repo update" not in run.output
    assert snapshot(root) == before
