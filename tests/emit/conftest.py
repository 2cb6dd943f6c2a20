"""Fixtures for the emit tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SHM = Path("/dev/shm")


@pytest.fixture
def fast_tmp(tmp_path: Path) -> Iterator[Path]:
    """A scratch dir on tmpfs when there is one, else ``tmp_path``.

    The crash tests run hundreds of emits; on this machine's disks an unlink
    can take milliseconds. SIGKILL consistency is a property of the kernel's
    namespace operations (rename, link, unlink), which tmpfs shares with ext4.
    """
    if not (_SHM.is_dir() and os.access(_SHM, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="blueprintc-emit-", dir=_SHM))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
