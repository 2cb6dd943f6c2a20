"""Credentials written into a URL (``scheme://user:password@host``).

A URL blueprintc would emit (a Sovereign's registry or Git base, an artifact's
``source`` annotation) ends up in Git or in a registry for anyone who can read
them, so one that carries a credential is refused, and the message never shows
the URL. An ``ssh://`` URL may name a user without a password (``git@``): SSH
keys, not the URL, authenticate it.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def credentials_in_url(url: str) -> str | None:
    """What secret ``url`` carries before its host, for a message; None if none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    userinfo, at, _ = parts.netloc.rpartition("@")
    if not at:
        return None
    if ":" in userinfo:
        return "a user name and password"
    if parts.scheme == "ssh":
        return None
    return "a user name or token"
