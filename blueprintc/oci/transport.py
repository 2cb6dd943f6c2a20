"""HTTP to one registry host over urllib, with the 401 challenge flow.

Anonymous first; on a 401, Basic with the host's credentials or the Bearer
token flow (token from the challenge's realm, cached per scope). Failures
become ``RegistryError`` with the HTTP status and the registry's error code;
no message, repr or log record ever carries a credential or token.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from email.message import Message
from typing import NamedTuple

from .auth import ENV_PASSWORD, ENV_USERNAME, Credentials, parse_challenge
from .auth import token_from_response as _token
from .errors import RegistryError, RegistryNotFoundError
from .reference import is_loopback

log = logging.getLogger(__name__)
_ERROR_BODY_LIMIT = 64 * 1024
_DEFAULT_CODES = {401: "UNAUTHORIZED", 403: "DENIED", 404: "NOT_FOUND", 429: "TOOMANYREQUESTS"}


class Response(NamedTuple):
    status: int
    headers: Message
    body: bytes


class Transport:
    """Requests against ``base_url``; remembers how the host wants to be authenticated."""

    def __init__(
        self, host: str, *, plain_http: bool, credentials: Credentials | None, timeout: float
    ) -> None:
        self.host = host
        self.plain_http = plain_http
        self.base_url = f"{'http' if plain_http else 'https'}://{host}"
        self.timeout = timeout
        self._credentials = credentials
        self._use_basic = False
        self._tokens: dict[str, str] = {}
        handlers: list[urllib.request.BaseHandler] = []
        if is_loopback(host):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def has_credentials(self) -> bool:
        return self._credentials is not None

    def request(
        self,
        method: str,
        url: str,
        *,
        scope: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        ok: tuple[int, ...] = (200, 202),
        allow: tuple[int, ...] = (),
        not_found: str = "NOT_FOUND",
    ) -> Response:
        full = url if "://" in url else self.base_url + url
        for attempt in (1, 2):
            req = urllib.request.Request(full, data=body, method=method, headers=headers or {})
            authorization = self._authorization(scope)
            if authorization:
                # Unredirected: a blob redirect to storage must not carry our secret.
                req.add_unredirected_header("Authorization", authorization)
            try:
                with self._opener.open(req, timeout=self.timeout) as raw:
                    resp = Response(raw.status, raw.headers, raw.read())
            except urllib.error.HTTPError as exc:
                err_body = _read_limited(exc)
                log.debug("%s %s -> %s", method, _path(full), exc.code)
                challenge = exc.headers.get("WWW-Authenticate", "")
                if exc.code == 401 and attempt == 1 and self._authenticate(challenge, scope):
                    continue
                if exc.code in allow:
                    return Response(exc.code, exc.headers, err_body)
                raise self._error(method, full, exc.code, err_body, not_found) from None
            except (OSError, http.client.HTTPException) as exc:
                raise RegistryError(
                    f"{method} {self.base_url}{_path(full)}: cannot reach registry "
                    f"({_reason(exc)}); is it running? For a registry without TLS use plain_http",
                    status=0,
                    code="UNAVAILABLE",
                    url=self.base_url + _path(full),
                ) from None
            log.debug("%s %s -> %s", method, _path(full), resp.status)
            if resp.status not in ok and resp.status not in allow:
                raise self._error(method, full, resp.status, resp.body, not_found)
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _authorization(self, scope: str) -> str | None:
        token = self._tokens.get(scope)
        if token:
            return f"Bearer {token}"
        if self._use_basic and self._credentials:
            return self._credentials.basic_header()
        return None

    def _authenticate(self, header: str, scope: str) -> bool:
        """Act on a 401 challenge; True if there is something new to retry with."""
        challenge = parse_challenge(header)
        if challenge is None or (self._credentials is None and challenge.scheme == "basic"):
            return False
        if challenge.scheme == "basic":
            retry = not self._use_basic
            self._use_basic = True
            return retry
        if challenge.scheme != "bearer" or "realm" not in challenge.params:
            return False
        self._tokens[scope] = self._fetch_token(challenge.params, scope)
        return True

    def _fetch_token(self, params: Mapping[str, str], scope: str) -> str:
        realm = params["realm"]
        parts = urllib.parse.urlsplit(realm)
        if parts.scheme not in ("http", "https"):
            raise RegistryError(
                f"registry {self.host} sent an unusable token realm scheme {parts.scheme!r}",
                status=401,
                code="UNAUTHORIZED",
            )
        query = {k: params[k] for k in ("service",) if params.get(k)}
        if params.get("scope") or scope:
            query["scope"] = params.get("scope") or scope
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        req = urllib.request.Request(url, method="GET")
        secure = parts.scheme == "https" or self.plain_http
        if self._credentials and secure:
            req.add_unredirected_header("Authorization", self._credentials.basic_header())
        who = "the credentials" if self._credentials else "anonymous access"
        try:
            with self._opener.open(req, timeout=self.timeout) as raw:
                token = _token(raw.read())
        except urllib.error.HTTPError as exc:
            exc.close()
            raise RegistryError(
                f"token service {parts.hostname} refused {who} for {self.host} ({exc.code}); "
                + _login_hint(self.host, rejected=self._credentials is not None),
                status=exc.code,
                code="UNAUTHORIZED" if exc.code in (401, 403) else "UNKNOWN",
                url=f"{parts.scheme}://{parts.hostname}{parts.path}",
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise RegistryError(
                f"cannot reach token service {parts.hostname} for {self.host} ({_reason(exc)})",
                status=0,
                code="UNAVAILABLE",
            ) from None
        if not token:
            raise RegistryError(
                f"token service {parts.hostname} answered without a token",
                status=401,
                code="UNAUTHORIZED",
            )
        return token

    def _error(
        self, method: str, url: str, status: int, body: bytes, not_found: str
    ) -> RegistryError:
        code, detail = _parse_errors(body)
        code = code or (not_found if status == 404 else _DEFAULT_CODES.get(status, "UNKNOWN"))
        where = f"{method} {self.base_url}{_path(url)}"
        message = f"{where}: {status} {code}" + (f": {detail}" if detail else "")
        if status == 401:
            message += "; " + _login_hint(self.host, rejected=self._credentials is not None)
        elif status == 403:
            message += "; the credentials have no permission for this repository"
        elif code == "MANIFEST_UNKNOWN":
            message += "; check the tag or digest (list tags with Store.tags)"
        elif code == "NAME_UNKNOWN":
            message += "; the repository does not exist on this registry"
        cls = RegistryNotFoundError if status == 404 else RegistryError
        return cls(message, status=status, code=code, url=self.base_url + _path(url))


def _path(url: str) -> str:
    """Path of ``url`` without query (upload URLs carry opaque state we do not echo)."""
    return urllib.parse.urlsplit(url).path


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
    return str(reason)[:200]


def _read_limited(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(_ERROR_BODY_LIMIT) or b""
    except OSError:
        return b""
    finally:
        exc.close()


def _parse_errors(body: bytes) -> tuple[str | None, str]:
    try:
        errors = json.loads(body).get("errors") or []
        first = errors[0]
        return str(first.get("code") or "") or None, str(first.get("message") or "")[:300]
    except (ValueError, AttributeError, IndexError, TypeError):
        return None, ""


def _login_hint(host: str, rejected: bool = False) -> str:
    head = "the registry rejected the credentials" if rejected else "authentication required"
    return (
        f"{head} for {host}: set {ENV_USERNAME}/{ENV_PASSWORD} "
        f"or add auths.{host} to ~/.docker/config.json"
    )
