"""The compiled reference workspace the delivery tests deliver, and credentials."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace, trust_signing_key
from tests.deliver.helpers import CREDS


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, openpgp_keys: dict[str, Path]) -> Path:
    """The reference workspace, whose Sovereign also trusts the `deliver` test key (the
    key the signed deliveries sign with), compiled."""
    root = copy_workspace(tmp_path_factory.mktemp("ws") / "ws")
    trust_signing_key(root, openpgp_keys["deliver.pub"])
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
