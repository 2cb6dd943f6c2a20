"""The compiled reference workspace the delivery tests deliver, and credentials."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace
from tests.deliver.helpers import CREDS


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_workspace(tmp_path_factory.mktemp("ws") / "ws")
    outcome = run_compile(root, out=root / "out")
    assert not outcome.diagnostics, outcome.diagnostics
    return root


@pytest.fixture
def ws(workspace: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(workspace, copy, symlinks=True)
    return copy


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
