"""Origins (scheme, host, port): where registry credentials may go, and URLs fit to print.

Credentials go only to the registry's own origin; ``SameOriginRedirects``
keeps ``Authorization`` across a redirect only when it stays on that origin
and follows http(s) redirects only. ``shown_url`` is what every message prints.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from email.message import Message
from typing import IO

from .errors import TransportError


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, lowercase host and port (default ports filled in) of ``url``."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def shown_url(url: str) -> str:
    """``scheme://host[:port]/path`` of ``url``: no userinfo, no query (upload URLs
    carry opaque state, a URL someone gave may carry a token)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow http(s) redirects only; keep ``Authorization`` only on the same origin."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise TransportError(
                f"{req.get_method()} {shown_url(req.full_url)}: the registry redirected to a "
                "non-HTTP location; refusing to follow it",
                code="REDIRECT_INVALID",
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        authorization = req.unredirected_hdrs.get("Authorization")
        if new is not None and authorization and origin(newurl) == origin(req.full_url):
            new.add_unredirected_header("Authorization", authorization)
        return new
