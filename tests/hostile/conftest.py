"""Fixtures of the hostile-input suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compile.helpers import copy_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the reference workspace (never the repository itself)."""
    return copy_workspace(tmp_path / "ws")
