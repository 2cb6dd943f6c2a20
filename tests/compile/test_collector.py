"""Compile and diff run with Python's cyclic collector paused (blueprintc.collector),
and leave it running again afterwards, whether they succeed or fail."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from blueprintc.compile import run
from blueprintc.workspace import Workspace

from .helpers import copy_workspace


@pytest.mark.parametrize("call", ["run_compile", "run_diff"])
def test_the_collector_is_paused_for_the_run_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    root = copy_workspace(tmp_path / "ws")
    seen: list[bool] = []
    load = run.load_workspace

    def loading(path: Path) -> Workspace:
        seen.append(gc.isenabled())
        return load(path)

    monkeypatch.setattr(run, "load_workspace", loading)
    assert gc.isenabled()
    outcome = getattr(run, call)(root)
    if call == "run_diff":
        outcome = outcome[0]
    assert outcome.diagnostics == []
    assert seen == [False] and gc.isenabled()


def test_a_failing_compile_leaves_the_collector_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_workspace(tmp_path / "ws")

    def failing(*args: object) -> str:
        assert not gc.isenabled()
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(run, "fingerprint", failing)
    with pytest.raises(OSError, match="Input/output"):
        run.run_compile(root)
    assert gc.isenabled()
