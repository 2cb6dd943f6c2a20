"""Fixtures for the build tests: a real registry, key pairs, and workspaces copied
from the reference catalog (with their upstream chart sources, so `helm
dependency build` resolves its file:// repositories)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build import Signer, Target, open_target
from blueprintc.signing import encrypt_private_key, public_key_pem
from blueprintc.signing.envelope import LEGACY
from tests.oci.fault_proxy import capture, fast_retries, proxy
from tests.oci.registry_fixture import RegistryServer, auth_registry, registry

__all__ = ["auth_registry", "capture", "fast_retries", "proxy", "registry"]

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def make_workspace(dest: Path, *blueprints: str) -> Path:
    """A workspace at ``dest`` holding copies of the named reference Blueprints."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "blueprintc.yaml", dest / "blueprintc.yaml")
    shutil.copytree(REPO_ROOT / "upstream-charts", dest / "upstream-charts")
    shutil.copytree(REPO_ROOT / "schemas", dest / "schemas")  # its schemaLocations
    for name in blueprints:
        shutil.copytree(REPO_ROOT / "blueprints" / name, dest / "blueprints" / name)
    return dest


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ambient credentials, epoch or password: each test sets what it needs."""
    for name in (
        "BLUEPRINTC_REGISTRY_USERNAME",
        "BLUEPRINTC_REGISTRY_PASSWORD",
        "SOURCE_DATE_EPOCH",
        "COSIGN_PASSWORD",
        "BLUEPRINTC_REGISTRY_TIMEOUT",
        "BLUEPRINTC_REGISTRY_DEADLINE",
        "BLUEPRINTC_REGISTRY_RETRIES",
        "BLUEPRINTC_REGISTRY_BACKOFF",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="session")
def key_files(tmp_path_factory: pytest.TempPathFactory, signer: Signer) -> tuple[Path, Path]:
    """``cosign.key`` (scrypt N=32768, as older cosign wrote: quicker to open) and ``.pub``."""
    directory = tmp_path_factory.mktemp("keys")
    private, public = directory / "cosign.key", directory / "cosign.pub"
    private.write_bytes(encrypt_private_key(signer.private_key, PASSWORD, params=LEGACY))
    public.write_bytes(public_key_pem(signer.private_key))
    return private, public


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """A repository prefix unique to the test (the registry is shared by the session)."""
    return "t" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:12]


@pytest.fixture(params=["layout", "registry"])
def target(request: pytest.FixtureRequest, tmp_path: Path, prefix: str) -> Iterator[Target]:
    """Each test using ``target`` runs against the embedded layout and a real registry."""
    if request.param == "layout":
        yield open_target(None, layout=tmp_path / "out" / "oci")
    else:
        server: RegistryServer = request.getfixturevalue("registry")
        yield open_target(f"oci://{server.host}/{prefix}/charts")
