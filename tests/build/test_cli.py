"""The commands as CI runs them: exit codes, output, and no secret anywhere."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from blueprintc.cli import cli
from tests.oci.registry_fixture import RegistryServer

from .conftest import PASSWORD, make_workspace


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_keygen_writes_cosign_files_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSIGN_PASSWORD", PASSWORD)
    first = _run("keygen", "-d", tmp_path)
    assert first.exit_code == 0, first.output
    key = (tmp_path / "cosign.key").read_bytes()
    assert key.startswith(b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
    assert (tmp_path / "cosign.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert (tmp_path / "cosign.key").stat().st_mode & 0o777 == 0o600
    assert PASSWORD not in first.output

    again = _run("keygen", "-d", tmp_path)
    assert again.exit_code == 2 and "pass --force" in again.output
    assert (tmp_path / "cosign.key").read_bytes() == key
    forced = _run("keygen", "-d", tmp_path, "--force")
    assert forced.exit_code == 0 and (tmp_path / "cosign.key").read_bytes() != key

    monkeypatch.delenv("COSIGN_PASSWORD")
    missing = _run("keygen", "-d", tmp_path / "other")
    assert missing.exit_code == 2 and "COSIGN_PASSWORD" in missing.output


def test_publish_to_the_embedded_layout_and_verify(
    tmp_path: Path, key_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    monkeypatch.chdir(ws)
    monkeypatch.setenv("COSIGN_PASSWORD", PASSWORD)
    key, pub = key_files
    published = _run("publish", "blueprints/webapp", "--key", key)
    assert published.exit_code == 0, published.output
    assert published.output.startswith("bp-webapp 1.4.2: ok\n")
    assert "guard pulled-artifact: ok" in published.output
    assert (ws / "out/oci/bp-webapp/index.json").is_file()

    verified = _run("verify", "bp-webapp:1.4.2", "--key", pub, "--format", "json")
    assert verified.exit_code == 0, verified.output
    doc = json.loads(verified.output)
    assert (doc["formatVersion"], doc["kind"]) == (1, "verify")
    assert doc["ok"] and all(c["ok"] for c in doc["checks"])

    other = tmp_path / "other.pub"
    other.write_bytes(
        (Path(__file__).parents[1] / "data/cosign/tekton-chains-key/cosign.pub").read_bytes()
    )
    refused = _run("verify", "bp-webapp:1.4.2", "--key", other)
    assert refused.exit_code == 1 and "FAIL signature" in refused.output


def test_publish_to_an_authenticated_registry_keeps_secrets_out(
    tmp_path: Path,
    auth_registry: RegistryServer,
    key_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert auth_registry.username and auth_registry.password
    ws = make_workspace(tmp_path / "ws", "webapp")
    monkeypatch.chdir(ws)
    monkeypatch.setenv("COSIGN_PASSWORD", PASSWORD)
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_USERNAME", auth_registry.username)
    monkeypatch.setenv("BLUEPRINTC_REGISTRY_PASSWORD", auth_registry.password)
    key, pub = key_files
    url = f"oci://{auth_registry.host}/cli/charts"

    published = _run("publish", "blueprints/webapp", "--registry", url, "--key", key)
    assert published.exit_code == 0, published.output
    record = (ws / "out/build/bp-webapp-1.4.2.build.json").read_text()
    for secret in (auth_registry.password, PASSWORD):
        assert secret not in published.output and secret not in record
    assert json.loads(record)["artifact"]["reference"] == f"{url}/bp-webapp:1.4.2"

    ref = f"{url}/bp-webapp:1.4.2"
    assert _run("verify", ref, "--key", pub).exit_code == 0

    # Docker config credentials work the same; without any, the registry refuses (exit 2).
    monkeypatch.delenv("BLUEPRINTC_REGISTRY_USERNAME")
    monkeypatch.delenv("BLUEPRINTC_REGISTRY_PASSWORD")
    denied = _run("verify", ref, "--key", pub)
    assert denied.exit_code == 2 and auth_registry.password not in denied.output
    config = Path(str(tmp_path / "docker-config"))
    config.mkdir()
    auth = base64.b64encode(f"{auth_registry.username}:{auth_registry.password}".encode())
    (config / "config.json").write_text(
        json.dumps({"auths": {auth_registry.host: {"auth": auth.decode()}}})
    )
    assert _run("verify", ref, "--key", pub).exit_code == 0


def test_credentials_in_the_registry_url_are_refused_without_echo(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "webapp")
    result = _run(
        "publish", ws / "blueprints/webapp", "--registry", "oci://bob:hunter2@127.0.0.1:1"
    )
    assert result.exit_code == 2
    assert "hunter2" not in result.output and "credentials must not be embedded" in result.output


def test_build_reports_lint_failures_with_exit_1(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", "cluster-issuers")
    chart_yaml = ws / "blueprints/cluster-issuers/chart/Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("catalyst.openova.io/no-upstream", "x"))
    result = _run("build", ws / "blueprints/cluster-issuers", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert (document["formatVersion"], document["kind"]) == (1, "build")
    (record,) = document["records"]
    assert record["failedAt"] == "lint" and record["diagnostics"][0]["rule"] == "BPG001"
    text = _run("build", ws / "blueprints/cluster-issuers")
    assert "FAILED at lint" in text.output and "BPG001" in text.output
    assert "\n    = help: add the upstream chart under `dependencies:`" in text.output  # its fix


def test_keygen_writes_no_key_through_planted_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links at the old fixed temp names and at the key names are never followed."""
    monkeypatch.setenv("COSIGN_PASSWORD", PASSWORD)
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in (".cosign.key.tmp", ".cosign.pub.tmp", "cosign.key"):
        (keys / name).symlink_to(victim)
    forced = _run("keygen", "-d", keys, "--force")
    assert forced.exit_code == 0, forced.output
    assert victim.read_bytes() == b"precious"
    assert not (keys / "cosign.key").is_symlink()
    assert (keys / "cosign.key").stat().st_mode & 0o777 == 0o600


def test_verify_refuses_a_fifo_key_without_reading_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "cosign.pub")
    result = _run("verify", "bp-x:1.0.0", "--key", tmp_path / "cosign.pub")
    assert result.exit_code == 2
    assert "is a FIFO, not a regular file" in result.output


def test_build_of_a_directory_without_blueprint_yaml_names_the_blueprints_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog directory, or an upstream chart, is not a Blueprint: exit 2 before
    anything is written, naming what to build instead (not `blueprint.yaml:1:1: file
    not found`)."""
    ws = make_workspace(tmp_path / "ws", "webapp", "postgres")
    monkeypatch.chdir(ws)
    catalog = _run("build", "blueprints")
    assert catalog.exit_code == 2
    assert "blueprints holds no blueprint.yaml, so it is not a Blueprint" in catalog.output
    assert "blueprintc build blueprints/postgres blueprints/webapp" in catalog.output
    chart = _run("build", "upstream-charts/log-shipper")
    assert chart.exit_code == 2
    assert "give the directory that holds a Blueprint's blueprint.yaml" in chart.output
    assert not (ws / "out").exists()
