"""Hostile registries and registry settings, through the real CLI in a fresh process:
secrets in URLs, broken Docker configs, a registry that never answers or fails."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build import Signer, build_blueprint, open_target
from blueprintc.signing import public_key_pem
from tests.oci.fault_proxy import FaultProxy, proxy
from tests.oci.registry_fixture import RegistryServer, auth_registry, registry

from .harness import assert_refused, run_cli, snapshot

__all__ = ["auth_registry", "proxy", "registry"]

SECRET = "S3CRET-token-value"


@pytest.fixture
def signer() -> Signer:
    return Signer(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def pub(tmp_path: Path, signer: Signer) -> Path:
    path = tmp_path / "cosign.pub"
    path.write_bytes(public_key_pem(signer.private_key))
    return path


@pytest.fixture
def docker_config(tmp_path: Path) -> Path:
    """An empty DOCKER_CONFIG directory: nothing of the machine's leaks in."""
    path = tmp_path / "docker-config"
    path.mkdir()
    return path


def _env(docker_config: Path) -> dict[str, str]:
    return {"DOCKER_CONFIG": str(docker_config), "BLUEPRINTC_REGISTRY_BACKOFF": "10ms"}


def test_a_secret_in_the_registry_query_string_is_never_echoed(
    workspace: Path, docker_config: Path
) -> None:
    before = snapshot(workspace, skip=("out",))
    url = f"oci://127.0.0.1:1/charts?token={SECRET}"
    run = run_cli(
        "publish", "blueprints/webapp", "--registry", url, cwd=workspace, env=_env(docker_config)
    )
    assert_refused(run, "must not carry a query string", "token=***")
    assert SECRET not in run.output
    assert snapshot(workspace, skip=("out",)) == before


def test_a_secret_in_a_verified_reference_is_never_echoed(
    tmp_path: Path, pub: Path, docker_config: Path
) -> None:
    for ref in (
        f"oci://127.0.0.1:1/charts/bp-x:1.0?token={SECRET}",
        f"https://bob:{SECRET}@127.0.0.1:1/charts/bp-x:1.0",
    ):
        run = run_cli("verify", ref, "--key", pub, cwd=tmp_path, env=_env(docker_config))
        assert_refused(run)
        assert SECRET not in run.output


def test_a_malformed_docker_config_auth_is_named(
    tmp_path: Path, auth_registry: RegistryServer, pub: Path, docker_config: Path
) -> None:
    config = docker_config / "config.json"
    config.write_text(json.dumps({"auths": {auth_registry.host: {"auth": "%%%"}}}))
    ref = f"oci://{auth_registry.host}/charts/bp-x:1.0"
    run = run_cli("verify", ref, "--key", pub, cwd=tmp_path, env=_env(docker_config))
    assert_refused(run, str(config), f"auths.{auth_registry.host}.auth", "docker login")
    assert "authentication required" not in run.output


def test_a_missing_credential_helper_is_named(
    tmp_path: Path, auth_registry: RegistryServer, pub: Path, docker_config: Path
) -> None:
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "desktop-absent"}))
    ref = f"oci://{auth_registry.host}/charts/bp-x:1.0"
    run = run_cli("verify", ref, "--key", pub, cwd=tmp_path, env=_env(docker_config))
    assert_refused(run, "credsStore", "docker-credential-desktop-absent is not on PATH")


@pytest.fixture
def silent_registry() -> Iterator[str]:
    """Accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"127.0.0.1:{listener.getsockname()[1]}"


def test_a_registry_that_never_answers_is_bounded_by_the_timeout(
    tmp_path: Path, silent_registry: str, pub: Path, docker_config: Path
) -> None:
    ref = f"oci://{silent_registry}/charts/bp-x:1.0"
    args = ("verify", ref, "--key", pub, "--timeout", "1", "--retry-times", "0")
    run = run_cli(*args, cwd=tmp_path, env=_env(docker_config), timeout=30)
    assert_refused(run, "could not verify", "per-request timeout")


def test_an_unparsable_timeout_is_a_usage_error(
    tmp_path: Path, pub: Path, docker_config: Path
) -> None:
    run = run_cli(
        "verify", "oci://127.0.0.1:1/charts/bp-x:1.0", "--key", pub, "--timeout", "soon",
        cwd=tmp_path, env=_env(docker_config),
    )  # fmt: skip
    assert_refused(run, "--timeout", "is not a duration")
    env = {**_env(docker_config), "BLUEPRINTC_REGISTRY_DEADLINE": "forever"}
    run = run_cli("verify", "oci://127.0.0.1:1/c/bp-x:1.0", "--key", pub, cwd=tmp_path, env=env)
    assert_refused(run, "BLUEPRINTC_REGISTRY_DEADLINE", "is not a duration")


def test_verify_against_a_registry_answering_500_is_exit_2(
    tmp_path: Path,
    workspace: Path,
    proxy: FaultProxy,
    signer: Signer,
    pub: Path,
    docker_config: Path,
) -> None:
    target = open_target(f"oci://{proxy.host}/hostile")
    assert build_blueprint(workspace / "blueprints/webapp", target=target, signer=signer).ok
    ref = f"oci://{proxy.host}/hostile/bp-webapp:1.4.2"
    proxy.fail("GET", r"/manifests/sha256-[0-9a-f]{64}\.sig$", 500)
    run = run_cli("verify", ref, "--key", pub, cwd=tmp_path, env=_env(docker_config))
    assert_refused(run, "could not verify (nothing was verified)", "500")
    assert "NOT VERIFIED" not in run.output and "FAIL" not in run.output
