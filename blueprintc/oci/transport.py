"""HTTP to one registry host over urllib: the 401 challenge flow, retries, limits.

Anonymous first; on a 401, Basic with the host's credentials or the Bearer
token flow (token from the challenge's realm, cached per scope). Credentials
go only to the registry's own origin (scheme, host and port): a request or a
redirect to any other origin (an upload ``Location``, a blob on storage, a
``Link`` page) carries no ``Authorization``; the token realm the registry
names is the one exception, as in docker. Throttling (429), gateway
failures (502/503/504) and dropped connections are retried per the
``HttpPolicy``; bodies are read up to a size cap, and a short body is a
``TransportError`` ("truncated"), never mistaken for content. Failures become
``RegistryError`` with the HTTP status and the registry's error code; no
message, repr or log record carries a credential, a token or a query string.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from typing import NamedTuple

from .auth import ENV_PASSWORD, ENV_USERNAME, Credentials, parse_challenge
from .auth import token_from_response as _token
from .bodies import ERROR_BODY_LIMIT, RESETS, read_body, read_error_body, reason_of, transport_error
from .errors import RegistryError, RegistryNotFoundError, TransportError
from .origin import SameOriginRedirects, origin, shown_url
from .policy import RETRY_STATUSES, Deadline, HttpPolicy, retry_after_seconds
from .reference import is_loopback

log = logging.getLogger(__name__)
_TOKEN_LIMIT = 1024 * 1024
_DEFAULT_CODES = {401: "UNAUTHORIZED", 403: "DENIED", 404: "NOT_FOUND", 429: "TOOMANYREQUESTS"}
CredentialSource = Credentials | Callable[[], Credentials | None] | None


class Response(NamedTuple):
    status: int
    headers: Message
    body: bytes


class Transport:
    """Requests against ``base_url``; remembers how the host wants to be authenticated."""

    def __init__(
        self,
        host: str,
        *,
        plain_http: bool,
        credentials: CredentialSource,
        policy: HttpPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.host = host
        self.plain_http = plain_http
        self.base_url = f"{'http' if plain_http else 'https'}://{host}"
        self.policy = policy or HttpPolicy()
        self.deadline = Deadline(self.policy.deadline)
        self._origin = origin(self.base_url)
        self._source = credentials
        self._credentials: Credentials | None = (
            credentials if isinstance(credentials, Credentials) else None
        )
        self._looked_up = credentials is None or isinstance(credentials, Credentials)
        self._use_basic = False
        self._tokens: dict[str, str] = {}
        self._sleep = sleep
        handlers: list[urllib.request.BaseHandler] = [SameOriginRedirects()]
        if is_loopback(host):
            handlers.append(urllib.request.ProxyHandler({}))
        if not plain_http:
            handlers.append(urllib.request.HTTPSHandler(context=tls_context(self.policy)))
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def has_credentials(self) -> bool:
        return self._credentials is not None

    def credentials(self) -> Credentials | None:
        """The credentials for this host, looked up on first need (a 401); a config
        that cannot deliver them raises ``CredentialsError`` at every need."""
        if not self._looked_up:
            source = self._source
            self._credentials = source() if callable(source) else None
            self._looked_up = True
        return self._credentials

    def same_origin(self, url: str) -> bool:
        return origin(url) == self._origin

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
        limit: int = ERROR_BODY_LIMIT,
        retry: bool = True,
    ) -> Response:
        """One request, authenticated as the host asks, retried when ``retry`` and safe.

        ``retry`` is for idempotent requests (GET, HEAD, a manifest PUT, starting
        an upload); a request that consumes state (the PUT closing an upload
        session) passes False and its caller restarts the whole exchange.
        """
        with self.deadline.running():
            return self._request(
                method, url, scope, headers, body, ok, allow, not_found, limit, retry
            )

    def _request(
        self,
        method: str,
        url: str,
        scope: str,
        headers: dict[str, str] | None,
        body: bytes | None,
        ok: tuple[int, ...],
        allow: tuple[int, ...],
        not_found: str,
        limit: int,
        retry: bool,
    ) -> Response:
        full = url if "://" in url else self.base_url + url
        retries = 0
        challenged = False
        while True:
            try:
                return self._once(
                    method, full, scope, headers, body, ok, allow, not_found, limit, challenged
                )
            except _Challenged:
                challenged = True
            except RegistryError as exc:
                if not (retry and exc.retryable):
                    raise
                if retries >= self.policy.retries:
                    exc.args = (
                        f"{exc}; gave up after {retries + 1} attempts (raise --retry-times or "
                        "BLUEPRINTC_REGISTRY_RETRIES, or try again later)",
                    )
                    raise
                self.wait_before_retry(retries, exc, method, full)
                retries += 1

    def wait_before_retry(self, retry: int, exc: RegistryError, method: str, url: str) -> None:
        """Sleep before retry number ``retry`` (0-based): ``Retry-After`` if the registry
        gave one (capped), else backoff with jitter; never past the deadline."""
        if exc.retry_after is not None:
            wait = min(exc.retry_after, self.policy.retry_after_cap)
        else:
            wait = self.policy.backoff_wait(retry)
        if wait >= self.deadline.remaining():
            raise TransportError(
                f"{exc} (gave up after {retry + 1} attempt(s): the next would start after the "
                f"overall deadline of {self.deadline.seconds:g} s; raise it with --deadline or "
                "BLUEPRINTC_REGISTRY_DEADLINE)",
                code="DEADLINE_EXCEEDED",
                url=exc.url,
            ) from None
        log.debug("%s %s: %s; retry %d in %.2f s", method, shown_url(url), exc.code, retry, wait)
        with self.deadline.running():
            self._sleep(wait)

    def _once(
        self,
        method: str,
        full: str,
        scope: str,
        headers: dict[str, str] | None,
        body: bytes | None,
        ok: tuple[int, ...],
        allow: tuple[int, ...],
        not_found: str,
        limit: int,
        challenged: bool,
    ) -> Response:
        own = self.same_origin(full)
        req = urllib.request.Request(full, data=body, method=method, headers=headers or {})
        authorization = self._authorization(scope) if own else None
        if authorization:
            # Unredirected: a redirect to another origin must not carry our secret.
            req.add_unredirected_header("Authorization", authorization)
        try:
            with self._opener.open(req, timeout=self._timeout(method, full)) as raw:
                data = b"" if method == "HEAD" else read_body(raw, limit, method, full)
                resp = Response(raw.status, raw.headers, data)
        except urllib.error.HTTPError as exc:
            err_body = read_error_body(exc)
            log.debug("%s %s -> %s", method, shown_url(full), exc.code)
            challenge = exc.headers.get("WWW-Authenticate", "")
            if exc.code == 401 and own and not challenged and self._authenticate(challenge, scope):
                raise _Challenged from None
            if exc.code in allow:
                return Response(exc.code, exc.headers, err_body)
            raise self._error(method, full, exc.code, err_body, not_found, exc.headers) from None
        except RegistryError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            raise transport_error(method, full, exc) from None
        log.debug("%s %s -> %s", method, shown_url(full), resp.status)
        if resp.status not in ok and resp.status not in allow:
            raise self._error(method, full, resp.status, resp.body, not_found, resp.headers)
        return resp

    def _timeout(self, method: str, url: str) -> float:
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise TransportError(
                f"{method} {shown_url(url)}: the overall deadline of {self.deadline.seconds:g} s "
                "for registry I/O has passed; raise it with --deadline or "
                "BLUEPRINTC_REGISTRY_DEADLINE",
                code="DEADLINE_EXCEEDED",
                url=shown_url(url),
            )
        return min(self.policy.timeout, remaining)

    def _authorization(self, scope: str) -> str | None:
        token = self._tokens.get(scope)
        if token:
            return f"Bearer {token}"
        credentials = self._credentials
        if self._use_basic and credentials:
            return credentials.basic_header()
        return None

    def _authenticate(self, header: str, scope: str) -> bool:
        """Act on a 401 challenge; True if there is something new to retry with."""
        challenge = parse_challenge(header)
        if challenge is None:
            return False
        if challenge.scheme == "basic":
            if self.credentials() is None or self._use_basic:
                return False
            self._use_basic = True
            return True
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
        credentials = self.credentials()
        if credentials and secure:
            req.add_unredirected_header("Authorization", credentials.basic_header())
        who = "the credentials" if credentials else "anonymous access"
        service = shown_url(realm)
        try:
            with self._opener.open(req, timeout=self._timeout("GET", realm)) as raw:
                token = _token(read_body(raw, _TOKEN_LIMIT, "GET", realm))
        except urllib.error.HTTPError as exc:
            exc.close()
            raise RegistryError(
                f"token service {parts.hostname} refused {who} for {self.host} ({exc.code}); "
                + _login_hint(self.host, rejected=credentials is not None),
                status=exc.code,
                code="UNAUTHORIZED" if exc.code in (401, 403) else "UNKNOWN",
                url=service,
            ) from None
        except RegistryError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(
                f"cannot reach token service {parts.hostname} for {self.host} ({reason_of(exc)})",
                url=service,
                retryable=isinstance(exc, RESETS),
            ) from None
        if not token:
            raise RegistryError(
                f"token service {parts.hostname} answered without a token",
                status=401,
                code="UNAUTHORIZED",
            )
        return token

    def _error(
        self,
        method: str,
        url: str,
        status: int,
        body: bytes,
        not_found: str,
        headers: Message,
    ) -> RegistryError:
        code, detail = _parse_errors(body)
        code = code or (not_found if status == 404 else _DEFAULT_CODES.get(status, "UNKNOWN"))
        where = f"{method} {shown_url(url)}"
        message = f"{where}: {status} {code}" + (f": {detail}" if detail else "")
        if status == 401 and not self.same_origin(url):
            message += (
                f"; credentials are sent only to the registry's own origin {self.base_url}, "
                "never to the other origin it sent this request to"
            )
        elif status == 401:
            message += "; " + _login_hint(self.host, rejected=self._credentials is not None)
        elif status == 403:
            message += "; the credentials have no permission for this repository"
        elif code == "MANIFEST_UNKNOWN":
            message += "; check the tag or digest (list tags with Store.tags)"
        elif code == "NAME_UNKNOWN":
            message += "; the repository does not exist on this registry"
        elif status in RETRY_STATUSES:
            message += " (the registry is overloaded or restarting)"
        elif status >= 500:
            message += " (a registry-side failure: not retried; check the registry's logs)"
        cls = RegistryNotFoundError if status == 404 else RegistryError
        retry_after = retry_after_seconds(headers.get("Retry-After")) if headers else None
        return cls(message, status=status, code=code, url=shown_url(url), retry_after=retry_after)


class _Challenged(Exception):
    """Internal: a 401 challenge was answered; send the request again."""


def tls_context(policy: HttpPolicy) -> ssl.SSLContext:
    """The system's trust store, or ``--ca-file``'s CAs; no verification at all with
    ``--insecure-skip-tls-verify``."""
    if policy.insecure_skip_tls_verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=policy.ca_file)
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RegistryError(
            f"--ca-file {policy.ca_file}: cannot load it as PEM CA certificates ({reason}); "
            "pass a readable PEM file holding the CA that signed the registry's certificate",
            status=0,
            code="CA_FILE",
        ) from None


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
