"""The smart-HTTP(S) transport that ``deliver --remote`` and ``promote`` share: the
remote URL check, libgit2's process-wide timeouts, the credential callbacks (never a
credential in a URL or an argument) and one line for a failed transfer."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pygit2

from blueprintc.deliver.credentials import PASSWORD_ENV, TOKEN_ENV, USERNAME_ENV, Credentials
from blueprintc.deliver.errors import DeliverError
from blueprintc.urlcreds import credentials_in_url

__all__ = [
    "CONNECT_TIMEOUT_S",
    "DEFAULT_TIMEOUT_S",
    "AuthRefused",
    "Callbacks",
    "check_remote",
    "set_timeouts",
    "why_failed",
]

DEFAULT_TIMEOUT_S = 60.0  # per network read or write
CONNECT_TIMEOUT_S = 15.0
_TIMEOUTS = threading.Lock()


class AuthRefused(Exception):
    """The server asked for credentials we do not have, or refused ours."""


class Callbacks(pygit2.RemoteCallbacks):
    def __init__(self, creds: Credentials | None) -> None:
        super().__init__()
        self._creds = creds
        self._asked = 0
        self.rejected: dict[str, str] = {}
        self.server_text: list[str] = []

    def credentials(
        self, url: str, username_from_url: str | None, allowed_types: object
    ) -> pygit2.UserPass:
        self._asked += 1
        if self._creds is None or self._asked > 1:  # libgit2 would ask again forever
            raise AuthRefused()
        return pygit2.UserPass(self._creds.username, self._creds.password)

    def push_update_reference(self, refname: str, message: str | None) -> None:
        if message:
            self.rejected[refname] = message

    def sideband_progress(self, string: str) -> None:
        self.server_text.append(string)


def check_remote(url: str) -> str:
    """The base URL without a trailing slash; one that carries a credential or is not
    http(s) is refused (the URL is never shown when it carries one)."""
    carried = credentials_in_url(url)
    if carried is not None:
        raise DeliverError(
            f"--remote carries {carried} (not shown): give the bare URL and put the "
            f"credentials in ${USERNAME_ENV}/${PASSWORD_ENV} or ${TOKEN_ENV}"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeliverError(
            f"--remote {url!r} is not an http(s) URL: give the Gitea base, "
            "e.g. https://gitea.example.com"
        )
    return url.rstrip("/")


def set_timeouts(timeout: float) -> None:
    with _TIMEOUTS:  # libgit2's are process-wide
        connect = min(timeout, CONNECT_TIMEOUT_S)
        pygit2.option(pygit2.enums.Option.SET_SERVER_CONNECT_TIMEOUT, int(connect * 1000))
        pygit2.option(pygit2.enums.Option.SET_SERVER_TIMEOUT, max(1, int(timeout * 1000)))


def why_failed(
    exc: BaseException, base: str, url: str, creds: Credentials | None
) -> tuple[str, str]:
    """(kind, one line) for a failed transfer; never a credential."""
    if isinstance(exc, AuthRefused):
        if creds is None:
            return "auth", (
                f"{base} asks for credentials: set ${USERNAME_ENV} and ${PASSWORD_ENV} "
                f"(or ${TOKEN_ENV}), or configure a git credential helper for it"
            )
        return "auth", (
            f"{base} refused the credentials from {creds.source} (not shown): "
            "check the user name and password or token"
        )
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    lowered = text.lower()
    if "404" in lowered or "not found" in lowered:
        return "missing", (
            f"{url} does not exist: create the repository in Gitea "
            "(POST /orgs/{org}/repos), then deliver again"
        )
    unreachable = ("failed to connect", "connection refused", "resolve", "timed out", "timeout")
    if any(word in lowered for word in unreachable):
        return "unreachable", f"{base} is unreachable ({text}): check --remote and the network"
    return "transfer", f"{url}: {text}; nothing was forced: deliver again to finish"
