"""Reading registry answers: bodies under a size cap, truncation and dropped
connections named as transport failures (never as content problems)."""

from __future__ import annotations

import http.client
import socket
import urllib.error

from .errors import RegistryError, TransportError
from .origin import shown_url

ERROR_BODY_LIMIT = 64 * 1024
RESETS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)


def read_body(raw: http.client.HTTPResponse, limit: int, method: str, url: str) -> bytes:
    """The whole body, at most ``limit`` bytes; a body shorter than its
    Content-Length is a truncated transfer (``TransportError``, retryable)."""
    length_text = raw.headers.get("Content-Length")
    expected = int(length_text) if length_text and length_text.isdigit() else None
    if expected is not None and expected > limit:
        raise _too_large(method, url, expected, limit)
    chunks: list[bytes] = []
    size = 0
    want = limit + 1 if expected is None else expected  # read(n) allocates n bytes first
    while True:
        chunk = raw.read(min(1 << 16 if expected is None else 1 << 20, want - size) or 1)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(method, url, size, limit)
    if expected is not None and size < expected:
        raise TransportError(
            f"{method} {shown_url(url)}: the connection closed after {size} of {expected} bytes "
            "(a truncated body: a transport failure, not a content problem); check the network "
            "or proxy between here and the registry, and run again",
            code="TRUNCATED",
            url=shown_url(url),
            retryable=True,
        )
    return b"".join(chunks)


def _too_large(method: str, url: str, size: int, limit: int) -> RegistryError:
    return RegistryError(
        f"{method} {shown_url(url)}: the registry answered with {size} bytes or more, above "
        f"the {limit} byte limit for this kind of content; refusing to read it",
        status=0,
        code="SIZE_EXCEEDED",
        url=shown_url(url),
    )


def transport_error(method: str, url: str, exc: BaseException) -> TransportError:
    reason = getattr(exc, "reason", None) if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(exc, http.client.IncompleteRead):
        return TransportError(
            f"{method} {shown_url(url)}: the connection closed after {len(exc.partial)} bytes "
            "(a truncated body: a transport failure, not a content problem); check the network "
            "or proxy between here and the registry, and run again",
            code="TRUNCATED",
            url=shown_url(url),
            retryable=True,
        )
    reset = isinstance(reason, RESETS) or isinstance(exc, http.client.RemoteDisconnected)
    timed_out = isinstance(reason, socket.timeout | TimeoutError)
    if reset:
        what = "the connection was reset or closed without an answer"
    elif timed_out:
        what = "no answer within the per-request timeout (--timeout, BLUEPRINTC_REGISTRY_TIMEOUT)"
    else:
        what = f"cannot reach registry ({reason_of(exc)}); is it running? For a registry without "
        what += "TLS pass --plain-http; for a private CA, --ca-file FILE"
    return TransportError(
        f"{method} {shown_url(url)}: {what}",
        code="TIMEOUT" if timed_out else "UNAVAILABLE",
        url=shown_url(url),
        retryable=reset,
    )


def reason_of(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__
    return str(reason)[:200]


def read_error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(ERROR_BODY_LIMIT) or b""
    except (OSError, http.client.HTTPException):
        return b""
    finally:
        exc.close()
