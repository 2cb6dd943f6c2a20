"""Credentials go only to the registry's own origin, are never echoed, and a Docker
config that cannot deliver them says so (file, key, what to do)."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from blueprintc.oci import (
    Credentials,
    CredentialsError,
    RegistryError,
    RegistryStore,
    open_store,
)
from blueprintc.oci.reference import Reference, redact_url

from .fault_proxy import CaptureServer, FaultProxy
from .registry_fixture import RegistryServer


def _creds(server: RegistryServer) -> Credentials:
    assert server.username and server.password
    return Credentials(server.username, server.password)


def _config(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "docker-config" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def test_an_upload_location_on_another_origin_gets_no_credentials(
    auth_proxy: FaultProxy, auth_registry: RegistryServer, capture: CaptureServer, repo: str
) -> None:
    auth_proxy.relocate("POST", "/blobs/uploads/$", to=capture.origin)
    store = RegistryStore(auth_proxy.host, credentials=_creds(auth_registry))
    with pytest.raises(RegistryError) as err:
        store.push_blob(repo, b"a blob for the capture server")
    assert capture.requests, "the client never went to the other origin"
    assert capture.authorizations == [None] * len(capture.requests)
    assert [m for m, _, _ in capture.requests] == ["PUT"]
    message = str(err.value)
    assert err.value.status == 401 and capture.origin in message
    assert "credentials are sent only to the registry's own origin" in message
    assert "?" not in message  # the upload state in the query is not echoed
    # The registry's own origin did get them (the POST was authenticated).
    assert any(s.authorization for s in auth_proxy.seen("POST", "/blobs/uploads/$"))


def test_a_blob_redirect_to_another_origin_gets_no_credentials(
    auth_proxy: FaultProxy, auth_registry: RegistryServer, capture: CaptureServer, repo: str
) -> None:
    store = RegistryStore(auth_proxy.host, credentials=_creds(auth_registry))
    desc = store.push_blob(repo, b"a blob behind a redirect")
    auth_proxy.redirect("GET", f"/blobs/{desc.digest}$", to=capture.origin)
    with pytest.raises(RegistryError):
        store.get_blob(repo, desc.digest)
    assert capture.requests and capture.authorizations == [None] * len(capture.requests)
    assert all(s.authorization for s in auth_proxy.seen("GET", f"/blobs/{desc.digest}$"))


def test_a_same_origin_redirect_keeps_credentials(
    auth_proxy: FaultProxy, auth_registry: RegistryServer, repo: str
) -> None:
    store = RegistryStore(auth_proxy.host, credentials=_creds(auth_registry))
    desc = store.push_blob(repo, b"a blob behind a same-origin redirect")
    auth_proxy.redirect("GET", f"/blobs/{desc.digest}$", to=f"http://{auth_proxy.host}", times=1)
    assert store.get_blob(repo, desc.digest) == b"a blob behind a same-origin redirect"
    seen = auth_proxy.seen("GET", f"/blobs/{desc.digest}$")
    assert [s.status for s in seen] == [307, 200] and all(s.authorization for s in seen)


def test_urls_in_messages_never_carry_secrets() -> None:
    assert redact_url("oci://bob:hunter2@reg.example/charts?token=s3cr3t&x=1#frag") == (
        "oci://***@reg.example/charts?token=***&x=***"
    )
    for text in ("oci://reg.example/charts/bp:1.0?token=s3cr3t", "https://bob:hunter2@reg/x:1"):
        with pytest.raises(ValueError) as err:
            Reference.parse(text)
        assert "s3cr3t" not in str(err.value) and "hunter2" not in str(err.value)
    for location in ("oci://reg.example?token=s3cr3t", "oci://reg.example/x?token=s3cr3t"):
        with pytest.raises(ValueError) as err:
            open_store(location)
        assert "s3cr3t" not in str(err.value) and "token=***" in str(err.value)


def test_a_malformed_auth_in_the_docker_config_is_named(
    auth_registry: RegistryServer, tmp_path: Path, repo: str
) -> None:
    config = _config(tmp_path, {"auths": {auth_registry.host: {"auth": "not base64!"}}})
    store = RegistryStore(auth_registry.host)
    with pytest.raises(CredentialsError) as err:
        store.tags(repo)
    with pytest.raises(CredentialsError):  # never quietly anonymous on a second request
        store.tags(repo)
    message = str(err.value)
    assert str(config) in message and f"auths.{auth_registry.host}.auth" in message
    assert "not the base64 of 'username:password'" in message
    assert f"docker login {auth_registry.host}" in message
    # Base64 of a value without a colon is just as unusable.
    no_colon = base64.b64encode(b"only-a-user").decode()
    _config(tmp_path, {"auths": {auth_registry.host: {"auth": no_colon}}})
    with pytest.raises(CredentialsError, match="auth is not the base64"):
        RegistryStore(auth_registry.host).tags(repo)


def test_an_invalid_docker_config_is_named(
    auth_registry: RegistryServer, tmp_path: Path, repo: str
) -> None:
    path = tmp_path / "docker-config" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"auths": {')
    with pytest.raises(CredentialsError) as err:
        RegistryStore(auth_registry.host).tags(repo)
    assert str(path) in str(err.value) and "not valid JSON (line 1)" in str(err.value)


def test_a_missing_credential_helper_is_named(
    auth_registry: RegistryServer, registry: RegistryServer, tmp_path: Path, repo: str
) -> None:
    config = _config(tmp_path, {"credsStore": "blueprintc-test-absent", "auths": {}})
    with pytest.raises(CredentialsError) as err:
        RegistryStore(auth_registry.host).tags(repo)
    message = str(err.value)
    assert str(config) in message and "credsStore names the credential helper" in message
    assert "docker-credential-blueprintc-test-absent is not on PATH" in message
    assert "remove credsStore" in message
    # A registry that never asks for credentials never needs the helper.
    assert RegistryStore(registry.host).tags(repo) == []


def _helper(tmp_path: Path, name: str, script: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    helper = bin_dir / f"docker-credential-{name}"
    helper.write_text("#!/bin/sh\n" + script)
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def test_a_credential_helper_is_asked_for_the_host(
    auth_registry: RegistryServer,
    tmp_path: Path,
    repo: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The docker-credential-helpers protocol: `get`, the server on stdin, JSON out."""
    answer = json.dumps(
        {"ServerURL": auth_registry.host, "Username": auth_registry.username,
         "Secret": auth_registry.password}
    )  # fmt: skip
    asked = tmp_path / "asked"
    bin_dir = _helper(
        tmp_path,
        "blueprintc-test",
        f'[ "$1" = get ] || exit 3\ncat > {asked}\n'
        f'[ -z "$BLUEPRINTC_REGISTRY_PASSWORD" ] || exit 4\n'
        f"printf '%s' '{answer}'\n",
    )
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_PASSWORD", "must-not-reach-the-helper")
    _config(tmp_path, {"credHelpers": {auth_registry.host: "blueprintc-test"}})
    assert RegistryStore(auth_registry.host).tags(repo) == []
    assert asked.read_text() == auth_registry.host

    _helper(
        tmp_path, "blueprintc-none", "echo 'credentials not found in native keychain'\nexit 1\n"
    )
    _config(tmp_path, {"credsStore": "blueprintc-none"})
    with pytest.raises(RegistryError, match="authentication required"):
        RegistryStore(auth_registry.host).tags(repo)

    _helper(tmp_path, "blueprintc-broken", "echo 'keychain locked' >&2\nexit 1\n")
    _config(tmp_path, {"credsStore": "blueprintc-broken"})
    with pytest.raises(CredentialsError, match="docker-credential-blueprintc-broken failed"):
        RegistryStore(auth_registry.host).tags(repo)
