"""Registry credentials and the ``WWW-Authenticate`` challenge (Basic, Bearer token).

Secrets live only in ``Credentials`` (whose repr hides them) and in request
headers; they never reach an exception message or a log record. Credentials
are looked up only when a registry asks for them (a 401), so an anonymous
registry never runs a credential helper.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OCIError

ENV_USERNAME = "BLUEPRINTC_REGISTRY_USERNAME"
ENV_PASSWORD = "BLUEPRINTC_REGISTRY_PASSWORD"
_SECRET_ENV = frozenset({ENV_USERNAME, ENV_PASSWORD, "COSIGN_PASSWORD"})
_CONFIG_LIMIT = 1024 * 1024
_HELPER_TIMEOUT = 30.0


class CredentialsError(OCIError):
    """The Docker config names credentials for a registry but cannot deliver them."""

    code = "CREDENTIALS_INVALID"


@dataclass(frozen=True)
class Credentials:
    """A username and password (or token); ``repr`` never shows the password."""

    username: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<redacted>)"

    def basic_header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


def docker_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def load_credentials(
    host: str,
    *,
    env: Mapping[str, str] | None = None,
    docker_config: Path | None = None,
) -> Credentials | None:
    """Credentials for ``host``: the env pair first, then the Docker config as docker
    reads it (``credHelpers.<host>``, else ``credsStore``, else ``auths.<host>``).

    A config that says where the credentials are but cannot deliver them (invalid
    JSON, a malformed ``auth``, a helper missing from PATH or failing) raises
    ``CredentialsError`` naming the file, the key and what to do; no config, or
    no entry for ``host``, is None (anonymous).
    """
    env = os.environ if env is None else env
    user, password = env.get(ENV_USERNAME), env.get(ENV_PASSWORD)
    if user and password is not None:
        return Credentials(user, password)
    path = docker_config or docker_config_path(env)
    doc = _read_config(path)
    if doc is None:
        return None
    helpers = doc.get("credHelpers")
    if helpers is not None and not isinstance(helpers, dict):
        raise CredentialsError(f"{path}: credHelpers is not a mapping of host to helper name")
    helper_key = next((k for k in helpers or {} if _config_key_host(k) == host), None)
    if helper_key is not None:
        return helper_credentials(path, f"credHelpers.{helper_key}", helpers[helper_key], host, env)
    store = doc.get("credsStore")
    if store:
        return helper_credentials(path, "credsStore", store, host, env)
    auths = doc.get("auths", {})
    if not isinstance(auths, dict):
        raise CredentialsError(f"{path}: auths is not a mapping of registry to credentials")
    for key, entry in auths.items():
        if _config_key_host(key) == host and isinstance(entry, dict):
            creds = _entry_credentials(path, key, host, entry)
            if creds is not None:
                return creds
    return None


def _read_config(path: Path) -> dict[str, object] | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(_CONFIG_LIMIT + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CredentialsError(
            f"{path}: cannot read the Docker config ({exc.strerror}): fix its permissions, "
            "or point DOCKER_CONFIG at another directory"
        ) from None
    if len(raw) > _CONFIG_LIMIT:
        raise CredentialsError(f"{path}: the Docker config is larger than 1 MiB: not a config")
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise CredentialsError(
            f"{path}: the Docker config is not valid JSON{where}: fix it (or run "
            "`docker login` again), or point DOCKER_CONFIG at another directory"
        ) from None
    if not isinstance(doc, dict):
        raise CredentialsError(f"{path}: the Docker config is not a JSON object")
    return doc


def _config_key_host(key: str) -> str:
    """``https://host:5000/v1/`` and ``host:5000`` both name ``host:5000``."""
    key = re.sub(r"^[a-z]+://", "", key)
    return key.split("/", 1)[0]


def _entry_credentials(
    path: Path, key: str, host: str, entry: Mapping[str, object]
) -> Credentials | None:
    auth = entry.get("auth")
    if auth is not None and auth != "":
        try:
            if not isinstance(auth, str):
                raise ValueError("not a string")
            decoded = base64.b64decode(auth, validate=True).decode("utf-8")
        except ValueError:
            decoded = ""
        user, sep, password = decoded.partition(":")
        if not sep or not user:
            raise CredentialsError(
                f"{path}: auths.{key}.auth is not the base64 of 'username:password' "
                f"(value not shown): run `docker login {host}` again, or fix or remove that "
                f"entry, or set {ENV_USERNAME}/{ENV_PASSWORD}"
            )
        return Credentials(user, password)
    user, password = entry.get("username"), entry.get("password")
    if isinstance(user, str) and isinstance(password, str) and user:
        return Credentials(user, password)
    return None


def helper_credentials(
    path: Path, key: str, name: object, host: str, env: Mapping[str, str]
) -> Credentials | None:
    """Ask ``docker-credential-<name> get`` for ``host`` (the credential helper protocol).

    The helper's "credentials not found" answer is None; a helper that is
    missing, fails, hangs or answers nonsense is a ``CredentialsError``.
    """
    fix = (
        f"install it, or remove {key} from {path} (`docker login {host}` then stores "
        f"credentials in auths), or set {ENV_USERNAME}/{ENV_PASSWORD}"
    )
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise CredentialsError(f"{path}: {key} is not a credential helper name: {fix}")
    program = f"docker-credential-{name}"
    binary = shutil.which(program, path=env.get("PATH"))
    if binary is None:
        raise CredentialsError(
            f"{path}: {key} names the credential helper {name!r}, but {program} is not on "
            f"PATH: {fix}"
        )
    # Not childenv.child_env: a helper is the user's own credential program and may
    # need their cloud secrets (docker-credential-ecr-login reads AWS_SECRET_ACCESS_KEY);
    # it only never sees blueprintc's own registry credentials and cosign's password.
    child_env = {k: v for k, v in env.items() if k not in _SECRET_ENV}
    try:
        done = subprocess.run(
            [binary, "get"],
            input=host.encode(),
            capture_output=True,
            env=child_env,
            timeout=_HELPER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        why = "timed out" if isinstance(exc, subprocess.TimeoutExpired) else "could not run"
        raise CredentialsError(f"{path}: {key}: {program} {why} for {host}: {fix}") from None
    if done.returncode != 0:
        said = done.stdout.decode("utf-8", "replace").strip()
        if "credentials not found" in said.lower():
            return None
        first = said.splitlines()[0][:200] if said else f"exit {done.returncode}"
        raise CredentialsError(f"{path}: {key}: {program} failed for {host} ({first}): {fix}")
    try:
        answer = json.loads(done.stdout)
        user, secret = answer["Username"], answer["Secret"]
        if not isinstance(user, str) or not isinstance(secret, str) or not user:
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise CredentialsError(
            f"{path}: {key}: {program} answered for {host} without a Username and Secret: {fix}"
        ) from None
    return Credentials(user, secret)


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lowercase: "basic" or "bearer"
    params: Mapping[str, str]


_PARAM_RE = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


def parse_challenge(header: str) -> Challenge | None:
    """Parse the first challenge of a ``WWW-Authenticate`` header."""
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    params: dict[str, str] = {}
    for match in _PARAM_RE.finditer(rest):
        quoted, bare = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare or ""
        params[match.group(1).lower()] = value
    return Challenge(scheme.lower(), params)


def token_from_response(body: bytes) -> str | None:
    """The bearer token of a token-endpoint response (``token`` or ``access_token``)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    token = doc.get("token") or doc.get("access_token")
    return token if isinstance(token, str) and token else None
