"""Fixtures for the OCI tests: real registries and a hermetic credential environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from blueprintc.oci import LayoutStore, RegistryStore, Store

from .fault_proxy import auth_proxy, capture, fast_retries, proxy
from .registry_fixture import RegistryServer, auth_registry, registry, token_registry

__all__ = [
    "auth_proxy",
    "auth_registry",
    "capture",
    "fast_retries",
    "proxy",
    "registry",
    "token_registry",
]


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials come only from what a test sets up, never from the machine."""
    monkeypatch.delenv("BLUEPRINTC_REGISTRY_USERNAME", raising=False)
    monkeypatch.delenv("BLUEPRINTC_REGISTRY_PASSWORD", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name in ("TIMEOUT", "DEADLINE", "RETRIES", "BACKOFF"):
        monkeypatch.delenv(f"BLUEPRINTC_REGISTRY_{name}", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))


@pytest.fixture(params=["layout", "registry"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each test using ``store`` runs against both implementations."""
    if request.param == "layout":
        yield LayoutStore(tmp_path / "oci")
    else:
        server: RegistryServer = request.getfixturevalue("registry")
        yield RegistryStore(server.host)


@pytest.fixture
def repo(request: pytest.FixtureRequest) -> str:
    """A repository name unique to the test (registries are shared by the session)."""
    import hashlib

    return "t/" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
