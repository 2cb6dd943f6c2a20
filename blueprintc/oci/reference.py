"""Parse and format OCI references: ``oci://host[:port]/path/name[:tag][@digest]``."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from .content import is_digest
from .errors import InvalidReferenceError

# Grammar of github.com/distribution/reference, restated.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY_RE = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_HOST_RE = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)
_MAX_REPOSITORY = 255
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def validate_repository(name: str) -> str:
    """Return ``name`` if it is a valid repository path (lowercase components, no ``..``)."""
    if len(name) > _MAX_REPOSITORY or not _REPOSITORY_RE.match(name):
        raise InvalidReferenceError(
            f"invalid repository name {name[:100]!r}: use lowercase letters, digits and "
            "separators ('.', '_', '__', '-') in '/'-separated components"
        )
    return name


def validate_tag(tag: str) -> str:
    if not _TAG_RE.match(tag):
        raise InvalidReferenceError(
            f"invalid tag {tag[:140]!r}: up to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'"
        )
    return tag


def validate_host(host: str) -> str:
    if "@" in host:
        # user:password@host: never echo what could be a secret.
        raise InvalidReferenceError(
            "invalid registry host: credentials must not be embedded in it; "
            "use BLUEPRINTC_REGISTRY_USERNAME/PASSWORD or ~/.docker/config.json"
        )
    if not _HOST_RE.match(host):
        shown = redact_url(host) if any(c in host for c in "?#") else host
        raise InvalidReferenceError(f"invalid registry host {shown[:100]!r}: expected host[:port]")
    return host


def redact_url(url: str) -> str:
    """``url`` fit for a message: userinfo and every query value become ``***``, no fragment.

    Registry URLs can carry secrets (``user:pw@``, ``?token=``); anything that
    prints a URL a user or a registry gave passes it through here.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    rest = rest.split("#", 1)[0]
    rest, qmark, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    shown = (f"{scheme}://" if sep else "") + authority + slash + path
    if qmark:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        shown += "?" + "&".join(f"{urllib.parse.quote(k)}=***" for k, _ in pairs)
    return shown


def refuse_query(text: str, what: str) -> None:
    """A registry location or reference with ``?query`` or ``#fragment`` is refused
    without echoing what follows (it may hold a token)."""
    if "?" in text or "#" in text:
        raise InvalidReferenceError(
            f"{what} {redact_url(text)[:200]!r} must not carry a query string or fragment "
            "(values not shown: they may hold a secret); give oci://host[:port]/path and pass "
            "credentials through BLUEPRINTC_REGISTRY_USERNAME/PASSWORD or the Docker config"
        )


def is_loopback(host: str) -> bool:
    return host.rsplit(":", 1)[0] in LOOPBACK_HOSTS or host in LOOPBACK_HOSTS


@dataclass(frozen=True)
class Reference:
    """A parsed reference; at most one of ``tag``/``digest`` may be absent."""

    host: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    def __post_init__(self) -> None:
        validate_host(self.host)
        validate_repository(self.repository)
        if self.tag is not None:
            validate_tag(self.tag)
        if self.digest is not None and not is_digest(self.digest):
            raise InvalidReferenceError(
                f"invalid digest {self.digest[:80]!r}: expected sha256:<64 hex digits>"
            )

    @classmethod
    def parse(cls, text: str) -> Reference:
        """Parse ``oci://host/repo:tag``, ``host/repo@sha256:...`` or both tag and digest."""
        raw = text.strip()
        refuse_query(raw, "reference")
        rest = raw[len("oci://") :] if raw.startswith("oci://") else raw
        if "://" in rest:
            raise InvalidReferenceError(
                f"invalid reference {_clip(raw)!r}: only the 'oci://' scheme is supported"
            )
        host, slash, path = rest.partition("/")
        validate_host(host)  # first: it refuses user:password@ without echoing it
        if not slash or not path:
            raise InvalidReferenceError(
                f"invalid reference {_clip(raw)!r}: expected oci://host[:port]/path/name[:tag]"
            )
        digest: str | None = None
        if "@" in path:
            path, _, digest = path.partition("@")
        tag: str | None = None
        last = path.rsplit("/", 1)[-1]
        if ":" in last:
            path, _, tag = path.rpartition(":")
        try:
            return cls(host=host, repository=path, tag=tag, digest=digest)
        except InvalidReferenceError as exc:
            raise InvalidReferenceError(f"invalid reference {_clip(raw)!r}: {exc}") from None

    @property
    def ref(self) -> str:
        """What a store resolves: the digest when pinned, else the tag, else ``latest``."""
        return self.digest or self.tag or "latest"

    @property
    def repository_url(self) -> str:
        """``oci://host/repo``: what Flux and Helm call the repository URL."""
        return f"oci://{self.host}/{self.repository}"

    def with_tag(self, tag: str | None) -> Reference:
        return Reference(self.host, self.repository, tag, None)

    def with_digest(self, digest: str) -> Reference:
        return Reference(self.host, self.repository, self.tag, digest)

    def __str__(self) -> str:
        out = self.repository_url
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out


def _clip(text: str) -> str:
    return redact_url(text)[:200]
