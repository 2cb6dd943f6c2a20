"""`--ca-file`, `--insecure-skip-tls-verify` and `--plain-http` (issue 10 point 10)
against a real docker-registry serving HTTPS on 127.0.0.1 with a certificate from a
throwaway CA made here. The real CLI in a fresh process; `verify` of a tag the empty
registry does not hold answers "not found" only once TLS succeeded."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.hostile.harness import CliRun, run_cli
from tests.oci.registry_fixture import RegistryServer, start_registry

# Test keys only: every key and certificate here is generated per run, never committed.


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def _write_ca_and_server_cert(directory: Path) -> tuple[Path, Path, Path]:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("blueprintc test CA"))
        .issuer_name(_name("blueprintc test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="module")
def tls_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RegistryServer, Path]]:
    directory = tmp_path_factory.mktemp("tls")
    ca, cert, key = _write_ca_and_server_cert(directory)
    server = start_registry(directory / "registry", tls=(cert, key))
    try:
        yield server, ca
    finally:
        server.stop()


def _verify(server: RegistryServer, tmp_path: Path, *flags: str | Path) -> CliRun:
    public = tmp_path / "cosign.pub"
    public.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    reference = f"oci://{server.host}/charts/bp-x:1.0.0"
    run = run_cli("verify", reference, "--key", public, "--retry-times", "0", *flags, cwd=tmp_path)
    assert "Traceback" not in run.output, run
    return run


def _reached(run: CliRun) -> None:
    """TLS succeeded: the registry answered that the tag does not exist (exit 1)."""
    assert run.code == 1 and "does not exist" in run.stdout, run


def test_ca_file_verifies_the_registry(
    tls_registry: tuple[RegistryServer, Path], tmp_path: Path
) -> None:
    server, ca = tls_registry
    _reached(_verify(server, tmp_path, "--ca-file", ca))


def test_without_the_ca_the_certificate_is_refused(
    tls_registry: tuple[RegistryServer, Path], tmp_path: Path
) -> None:
    server, _ = tls_registry
    other_ca, _, _ = _write_ca_and_server_cert(tmp_path)  # a CA that did not sign it
    run = _verify(server, tmp_path, "--ca-file", other_ca)
    assert run.code == 2 and "certificate verify failed" in run.stderr, run
    assert "--ca-file" in run.stderr and "plain_http" not in run.stderr, run


def test_insecure_skip_tls_verify_reaches_it_without_the_ca(
    tls_registry: tuple[RegistryServer, Path], tmp_path: Path
) -> None:
    server, _ = tls_registry
    _reached(_verify(server, tmp_path, "--insecure-skip-tls-verify"))


def test_plain_http_with_a_tls_option_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(
        "verify",
        "oci://127.0.0.1:1/x:1",
        "--key",
        "k",
        "--plain-http",
        "--insecure-skip-tls-verify",
        cwd=tmp_path,
    )
    assert run.code == 2 and "--plain-http speaks no TLS" in run.stderr, run
