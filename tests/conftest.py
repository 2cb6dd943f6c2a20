"""Fixtures shared by the test packages."""

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

    The crash tests run hundreds of emits, and emit makes a new tree durable with
    syncfs(), which on a disk waits for every other process's dirty pages too; on
    tmpfs both are cheap. What SIGKILL can leave behind is a property of the
    kernel's namespace operations (rename, link, unlink, exchange), which tmpfs
    shares with disk file systems.
    """
    if not (_SHM.is_dir() and os.access(_SHM, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="blueprintc-test-", dir=_SHM))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real smart-HTTP git server on 127.0.0.1 (tests/gitserver.py): the base URL and
    the root of its bare repositories; one user ``deliver`` with password ``test-only``."""
    from tests.gitserver import GitServer

    root = tmp_path / "gitserver"
    root.mkdir()
    server = GitServer()
    base = server.start(root, {"deliver": "test-only"})
    try:
        yield base, root
    finally:
        server.stop()
