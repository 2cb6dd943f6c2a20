"""Fixtures shared by the test packages."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.gitea_contract import GiteaStandIn

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


@pytest.fixture(scope="session")
def openpgp_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two TEST-ONLY OpenPGP keys made by gpg through ``generate_key``: ``deliver``
    (passphrase ``test-only-passphrase``; ``deliver.pub`` its public key) and
    ``other`` (no passphrase; ``other.pub``)."""
    from blueprintc.deliver.signing import generate_key

    keys = tmp_path_factory.mktemp("openpgp")
    for name, uid, passphrase in (
        ("deliver", "Test Deliver <deliver@example.test>", "test-only-passphrase"),
        ("other", "Test Other <other@example.test>", ""),
    ):
        secret, public = generate_key(uid, passphrase)
        (keys / f"{name}.key").write_bytes(secret)
        (keys / f"{name}.pub").write_bytes(public)
    return {p.name.replace(".key", ""): p for p in keys.iterdir()}


@pytest.fixture
def gnupg_home(tmp_path: Path, openpgp_keys: dict[str, Path]) -> Iterator[Path]:
    """A temporary GNUPGHOME that trusts only the ``deliver`` test key (what Flux's
    verify Secret holds); its gpg-agent is stopped afterwards."""
    import subprocess

    home = Path(tempfile.mkdtemp(prefix="gnupg-"))  # short: the agent's socket path
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(
        ["gpg", "--batch", "--import", str(openpgp_keys["deliver.pub"])],
        env=env,
        capture_output=True,
        check=True,
    )
    listed = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--fingerprint"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr"))
    subprocess.run(  # trusted, as the only key of Flux's Secret is: %G? says G, not U
        ["gpg", "--batch", "--import-ownertrust"],
        input=f"{fingerprint}:6:\n",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)


REVIEWERS = {"deliver": "test-only", "alice": "test-only", "bob": "test-only"}


@pytest.fixture
def gitea(tmp_path: Path) -> Iterator[tuple[str, Path, GiteaStandIn]]:
    """The real git server with the Gitea API stand-in (tests/gitea_contract.py) over
    the same repositories: base URL, repositories root, the stand-in's state. Users
    ``deliver``, ``alice`` and ``bob`` (reviewers), password ``test-only`` (TEST-ONLY
    credentials); a breach of Gitea's contract fails the test."""
    from tests.gitea_contract import GiteaStandIn
    from tests.gitserver import GitServer

    root = tmp_path / "gitea"
    root.mkdir()
    stand_in = GiteaStandIn(root)
    server = GitServer()
    base = server.start(root, REVIEWERS, other=stand_in.handle)
    try:
        yield base, root, stand_in
    finally:
        server.stop()
    assert not stand_in.violations, stand_in.violations
