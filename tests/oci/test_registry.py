"""The registry client against a real distribution registry: errors and auth."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from blueprintc.oci import (
    Credentials,
    RegistryError,
    RegistryNotFoundError,
    RegistryStore,
    load_credentials,
)
from blueprintc.oci.auth import parse_challenge
from blueprintc.oci.content import OCI_MANIFEST, go_json

from .registry_fixture import RegistryServer


def _push_small(store: RegistryStore, repo: str, tag: str) -> str:
    config = store.push_blob(repo, b"{}", "application/vnd.test.config.v1+json")
    doc = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config.to_dict(), "layers": []}
    return store.push_manifest(repo, go_json(doc), OCI_MANIFEST, tag=tag)


def test_404_is_typed_and_actionable(registry: RegistryServer) -> None:
    store = RegistryStore(registry.host)
    store.ping()
    _push_small(store, "t/errors", "v1")
    with pytest.raises(RegistryError) as err:
        store.get_manifest("t/errors", "v2")
    assert isinstance(err.value, RegistryNotFoundError)
    assert (err.value.status, err.value.code) == (404, "MANIFEST_UNKNOWN")
    assert "t/errors/manifests/v2" in str(err.value)
    assert "check the tag" in str(err.value)
    with pytest.raises(RegistryError) as err:
        store.get_blob("t/errors", "sha256:" + "1" * 64)
    assert err.value.code == "BLOB_UNKNOWN"


def test_unreachable_registry() -> None:
    store = RegistryStore("127.0.0.1:9", timeout=2)
    with pytest.raises(RegistryError) as err:
        store.ping()
    assert (err.value.status, err.value.code) == (0, "UNAVAILABLE")
    assert "cannot reach registry" in str(err.value)


def test_anonymous_client_is_told_how_to_log_in(auth_registry: RegistryServer) -> None:
    store = RegistryStore(auth_registry.host)
    with pytest.raises(RegistryError) as err:
        store.tags("t/private")
    assert (err.value.status, err.value.code) == (401, "UNAUTHORIZED")
    assert "BLUEPRINTC_REGISTRY_USERNAME" in str(err.value)


def test_basic_auth_from_env(
    auth_registry: RegistryServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert auth_registry.username and auth_registry.password
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_USERNAME", auth_registry.username)
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_PASSWORD", auth_registry.password)
    store = RegistryStore(auth_registry.host)
    digest = _push_small(store, "t/basic-env", "v1")
    assert store.resolve("t/basic-env", "v1") == digest
    assert store.tags("t/basic-env") == ["v1"]


def test_basic_auth_from_docker_config(auth_registry: RegistryServer, tmp_path: Path) -> None:
    assert auth_registry.username and auth_registry.password
    secret = f"{auth_registry.username}:{auth_registry.password}".encode()
    config = tmp_path / "docker-config" / "config.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    auth = base64.b64encode(secret).decode()
    config.write_text(json.dumps({"auths": {auth_registry.host: {"auth": auth}}}))
    creds = load_credentials(auth_registry.host)
    assert creds is not None and creds.username == auth_registry.username
    store = RegistryStore(auth_registry.host)
    assert _push_small(store, "t/basic-config", "v1")


def test_rejected_credentials_never_leak(auth_registry: RegistryServer) -> None:
    wrong = "hunter2-very-secret-password"
    store = RegistryStore(auth_registry.host, credentials=Credentials("blueprintc", wrong))
    with pytest.raises(RegistryError) as err:
        store.tags("t/private")
    assert (err.value.status, err.value.code) == (401, "UNAUTHORIZED")
    assert "rejected the credentials" in str(err.value)
    encoded = base64.b64encode(f"blueprintc:{wrong}".encode()).decode()
    for text in (str(err.value), repr(err.value), repr(store), repr(store._http.__dict__)):
        assert wrong not in text and encoded not in text
    assert wrong not in repr(Credentials("u", wrong))


def test_bearer_token_flow(token_registry: RegistryServer) -> None:
    assert token_registry.username and token_registry.password and token_registry.tokens
    creds = Credentials(token_registry.username, token_registry.password)
    store = RegistryStore(token_registry.host, credentials=creds)
    before = len(token_registry.tokens.issued)
    digest = _push_small(store, "t/bearer", "v1")
    assert store.get_manifest("t/bearer", "v1").digest == digest
    assert store.tags("t/bearer") == ["v1"]
    issued = token_registry.tokens.issued[before:]
    assert "repository:t/bearer:pull" in issued
    assert any(s.startswith("repository:t/bearer:") and "push" in s for s in issued)
    again = len(token_registry.tokens.issued)
    store.get_manifest("t/bearer", "v1")
    assert len(token_registry.tokens.issued) == again  # cached per scope


def test_bearer_with_wrong_password(token_registry: RegistryServer) -> None:
    wrong = "not-the-token-password"
    store = RegistryStore(token_registry.host, credentials=Credentials("blueprintc", wrong))
    with pytest.raises(RegistryError) as err:
        store.tags("t/bearer")
    assert (err.value.status, err.value.code) == (401, "UNAUTHORIZED")
    assert "token service" in str(err.value)
    assert wrong not in str(err.value) and wrong not in repr(err.value)


def test_challenge_parsing() -> None:
    challenge = parse_challenge(
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"'
    )
    assert challenge is not None and challenge.scheme == "bearer"
    assert dict(challenge.params) == {
        "realm": "https://auth.example/token",
        "service": "reg",
        "scope": "repository:a/b:pull,push",
    }
    basic = parse_challenge('Basic realm="x"')
    assert basic is not None and basic.scheme == "basic"
    assert parse_challenge("") is None


def test_env_credentials_win_over_docker_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"auths": {"https://reg.example:5000/v1/": {"auth": "dTpw"}}}))
    assert load_credentials("reg.example:5000", docker_config=config) == Credentials("u", "p")
    assert load_credentials("other.example", docker_config=config) is None
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_USERNAME", "env-user")
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_PASSWORD", "env-pass")
    creds = load_credentials("reg.example:5000", docker_config=config)
    assert creds == Credentials("env-user", "env-pass")


def test_missing_binary_fails_with_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .registry_fixture import start_registry

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match=r"scripts/ensure-system-deps\.sh"):
        start_registry(tmp_path / "reg")
