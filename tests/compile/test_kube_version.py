"""`compile --kube-version` and blueprintc.yaml's `kubernetesVersion`: which Kubernetes
schemas validate the emitted objects; an uncarried version is one line, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import blueprintc.validate.objects as objects
from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace
from tests.hostile.harness import assert_refused, run_cli, snapshot


def _versions_used(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    seen: set[str] = set()
    real = objects.validate_object

    def observed(obj: dict[str, Any], *, kubernetes_version: str, extra: Any = None) -> list[str]:
        seen.add(kubernetes_version)
        return real(obj, kubernetes_version=kubernetes_version, extra=extra)

    monkeypatch.setattr(objects, "validate_object", observed)
    return seen


def test_the_flag_then_the_workspace_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    seen = _versions_used(monkeypatch)
    assert not run_compile(workspace, out=tmp_path / "a").failing
    assert seen == {"1.32.0"}
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text() + "kubernetesVersion: 1.30.0\n")
    seen.clear()
    assert not run_compile(workspace, out=tmp_path / "b").failing
    assert seen == {"1.30.0"}
    seen.clear()
    assert not run_compile(workspace, out=tmp_path / "c", kubernetes_version="1.34.1").failing
    assert seen == {"1.34.1"}


def test_an_uncarried_version_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    before = snapshot(workspace)
    run = run_cli("compile", "--kube-version", "1.20.0", cwd=workspace)
    assert_refused(run, "--kube-version", "not 1.20.0", "schemas for Kubernetes 1.")
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(workspace) == before
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text() + "kubernetesVersion: '9.9'\n")
    assert_refused(run_cli("compile", cwd=workspace), "kubernetesVersion", "not 9.9")
    assert run_cli("compile", "--kube-version", "1.31", cwd=workspace).code == 0


def test_another_version_revalidates_every_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tree sealed under one Kubernetes version is neither sealed nor partly re-planned
    under another: every object is checked again (it was: only the changed owners)."""
    workspace = copy_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    first = run_compile(workspace, out=out)
    assert not first.failing
    seen = _versions_used(monkeypatch)
    again = run_compile(workspace, out=out, kubernetes_version="1.30.0")
    assert again.sealed is None and again.patched is None
    assert seen == {"1.30.0"}
    assert len(again.kinds) == len(first.kinds)
