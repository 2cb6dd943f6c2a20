"""A real CNCF distribution registry (Debian's ``docker-registry``) on 127.0.0.1.

Three session-scoped variants: anonymous, htpasswd Basic auth, and Bearer token
auth (a small token service in this process signs ES256 JWTs the registry
verifies against a generated certificate). If the binary is missing, tests
that use a registry fail and say how to install it.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import datetime as dt
import http.server
import json
import secrets
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

BINARY = "docker-registry"
USERNAME = "blueprintc"
SERVICE = "blueprintc-test-registry"
ISSUER = "blueprintc-test-issuer"
_INSTALL_HINT = (
    "the 'docker-registry' binary (CNCF distribution) is not installed: "
    "run scripts/ensure-system-deps.sh (CI installs it with apt-get)"
)


@dataclass
class TokenService:
    """Issues registry JWTs to clients presenting the expected Basic credentials."""

    username: str
    password: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    issued: list[str] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def realm(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    def issue(self, service: str, scopes: list[str]) -> str:
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        der = self.cert.public_bytes(serialization.Encoding.DER)
        header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(der).decode()]}
        claims = {
            "iss": ISSUER,
            "sub": self.username,
            "aud": service,
            "exp": now + 600,
            "nbf": now - 60,
            "iat": now,
            "jti": secrets.token_hex(8),
            "access": access,
        }
        signing_input = f"{_b64url(json.dumps(header))}.{_b64url(json.dumps(claims))}"
        der_sig = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der_sig)
        token = f"{signing_input}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
        self.issued.append(scopes[0] if scopes else "")
        return token

    def start(self) -> None:
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                expected = (
                    "Basic "
                    + base64.b64encode(f"{service.username}:{service.password}".encode()).decode()
                )
                if url.path != "/token" or self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                scopes = " ".join(query.get("scope", [])).split()
                body = json.dumps({"token": service.issue(query["service"][0], scopes)})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class RegistryServer:
    """A running registry; ``host`` is ``127.0.0.1:<port>``."""

    host: str
    process: subprocess.Popen[bytes]
    workdir: Path
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tokens: TokenService | None = None
    tls: bool = False

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.tokens is not None:
            self.tokens.stop()


def _b64url(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def bcrypt_hash(password: str) -> str | None:
    """A bcrypt hash via the system's libcrypt (libxcrypt), or None if unavailable."""
    name = ctypes.util.find_library("crypt")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    if not hasattr(lib, "crypt_gensalt"):
        return None
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    setting = lib.crypt_gensalt(b"$2b$", 5, None, 0)
    result = lib.crypt(password.encode(), setting) if setting else None
    text = result.decode() if result else ""
    return text if text.startswith("$2b$05$") and len(text) == 60 else None


def _self_signed() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "blueprintc test token signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(server: RegistryServer, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"docker-registry exited early:\n{log.read_text()[-2000:]}")
        unverified = ssl._create_unverified_context() if server.tls else None  # readiness only
        try:
            with urllib.request.urlopen(server.url + "/v2/", timeout=1, context=unverified):
                return
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"docker-registry not ready after 10 s:\n{log.read_text()[-2000:]}")


def start_registry(
    workdir: Path, auth: str = "none", tls: tuple[Path, Path] | None = None
) -> RegistryServer:
    """Start ``docker-registry serve`` with a generated config; ``auth``: none|htpasswd|token;
    ``tls``: the PEM certificate and key to serve HTTPS with."""
    binary = shutil.which(BINARY)
    if binary is None:
        pytest.fail(_INSTALL_HINT, pytrace=False)
    workdir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16) if auth != "none" else None
    auth_conf: dict[str, object] = {}
    tokens: TokenService | None = None
    if auth == "htpasswd":
        hashed = bcrypt_hash(password or "")
        if hashed is None:
            pytest.skip("no bcrypt in libcrypt: cannot write an htpasswd file for the registry")
        (workdir / "htpasswd").write_text(f"{USERNAME}:{hashed}\n")
        auth_conf = {"htpasswd": {"realm": "blueprintc-test", "path": str(workdir / "htpasswd")}}
    elif auth == "token":
        key, cert = _self_signed()
        (workdir / "token-ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        tokens = TokenService(USERNAME, password or "", key, cert)
        tokens.start()
        auth_conf = {
            "token": {
                "realm": tokens.realm,
                "service": SERVICE,
                "issuer": ISSUER,
                "rootcertbundle": str(workdir / "token-ca.pem"),
            }
        }
    for _attempt in range(3):
        port = _free_port()
        config = {
            "version": 0.1,
            "log": {"level": "error", "accesslog": {"disabled": True}},
            "storage": {
                "filesystem": {"rootdirectory": str(workdir / "data")},
                "delete": {"enabled": True},
            },
            "http": {
                "addr": f"127.0.0.1:{port}",
                "secret": secrets.token_hex(16),
                **({"tls": {"certificate": str(tls[0]), "key": str(tls[1])}} if tls else {}),
            },
            **({"auth": auth_conf} if auth_conf else {}),
        }
        # JSON is YAML: no need for a YAML writer here.
        (workdir / "config.yml").write_text(json.dumps(config, indent=2))
        log = workdir / "registry.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, "serve", str(workdir / "config.yml")],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        server = RegistryServer(
            f"127.0.0.1:{port}", process, workdir, tokens=tokens, tls=tls is not None
        )
        if auth != "none":
            server.username, server.password = USERNAME, password
        try:
            _wait_ready(server, log, time.monotonic() + 10)
            return server
        except RuntimeError:
            process.kill()
            process.wait()
            if "address already in use" not in log.read_text():
                if tokens is not None:
                    tokens.stop()
                raise
    raise RuntimeError("could not find a free port for docker-registry")


def _serve(tmp_path_factory: pytest.TempPathFactory, auth: str) -> Iterator[RegistryServer]:
    server = start_registry(tmp_path_factory.mktemp(f"registry-{auth}"), auth)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """An anonymous registry (no auth)."""
    yield from _serve(tmp_path_factory, "none")


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A registry behind htpasswd Basic auth; ``username``/``password`` are set."""
    yield from _serve(tmp_path_factory, "htpasswd")


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A registry behind Bearer token auth; the token service wants Basic credentials."""
    yield from _serve(tmp_path_factory, "token")
