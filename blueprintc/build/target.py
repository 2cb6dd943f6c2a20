"""Where artifacts go: a registry (``oci://host/path``) or the embedded OCI layout.

A ``Target`` pairs a ``Store`` with a repository prefix, so a chart named
``bp-x`` lands at ``<prefix>/bp-x`` as ``helm push oci://host/<prefix>`` would
put it. It also names the *identity* written into signatures (the payload's
``docker-reference``): the registry host and repository, or for the layout
``layout.invalid/<repo>`` (RFC 2606 reserves ``.invalid``: a layout has no
registry name of its own) unless the caller says which registry the layout
will be served from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blueprintc.build.errors import BuildError
from blueprintc.oci import (
    HttpPolicy,
    InvalidReferenceError,
    LayoutStore,
    Reference,
    RegistryStore,
    Store,
)
from blueprintc.oci.reference import refuse_query, validate_host, validate_repository

DEFAULT_LAYOUT = Path("out") / "oci"
LAYOUT_IDENTITY_HOST = "layout.invalid"


@dataclass(frozen=True)
class Target:
    store: Store
    prefix: str  # repository path prefix, "" for none
    identity_base: str  # e.g. "127.0.0.1:5000/charts" or "layout.invalid"
    display: str  # for messages: "oci://host/charts" or the layout directory

    def repo(self, name: str) -> str:
        """The repository of artifact ``name`` (validated)."""
        return validate_repository(f"{self.prefix}/{name}" if self.prefix else name)

    def identity(self, repo: str) -> str:
        """The ``docker-reference`` signatures of ``repo`` carry."""
        suffix = repo[len(self.prefix) + 1 :] if self.prefix else repo
        return f"{self.identity_base}/{suffix}"

    def reference(self, repo: str, tag: str) -> str:
        """``oci://host/repo:tag`` for a registry; ``repo:tag`` inside a layout."""
        if isinstance(self.store, RegistryStore):
            return f"oci://{self.store.host}/{repo}:{tag}"
        return f"{repo}:{tag}"


def open_target(
    registry: str | None = None,
    *,
    layout: Path | None = None,
    identity: str | None = None,
    anchor: Path | None = None,
    policy: HttpPolicy | None = None,
) -> Target:
    """A registry target for ``oci://host[:port][/path]``, else the layout (``out/oci``);
    no link is followed from ``anchor`` (default: the layout itself) down.

    Credentials come from the environment or the Docker config (see
    ``blueprintc.oci.auth``); a URL with ``user:password@`` or a query string
    is refused without echoing it. ``policy``: timeouts and retries.
    """
    try:
        if registry:
            host, prefix = _split_registry(registry)
            store: Store = RegistryStore(host, policy=policy)
            base = identity or (f"{host}/{prefix}" if prefix else host)
            return Target(store, prefix, base, f"oci://{host}" + (f"/{prefix}" if prefix else ""))
        root = layout or DEFAULT_LAYOUT
        if identity:
            _split_registry("oci://" + identity)
        store = LayoutStore(root, anchor=anchor)
        return Target(store, "", identity or LAYOUT_IDENTITY_HOST, str(root))
    except InvalidReferenceError as exc:
        raise BuildError(str(exc)) from None


def _split_registry(url: str) -> tuple[str, str]:
    if not url.startswith("oci://"):
        # Never echo the value: it could carry a password (https://user:pw@host).
        raise BuildError("the registry must be given as oci://host[:port][/path]")
    refuse_query(url, "the registry")
    rest = url[len("oci://") :].strip("/")
    host, _, prefix = rest.partition("/")
    validate_host(host)  # refuses user:password@ without echoing it
    if prefix:
        validate_repository(prefix)
    return host, prefix


@dataclass(frozen=True)
class Located:
    """One artifact to verify: its store, repository, tag, optional pinned digest,
    and the repository name its signatures must carry."""

    store: Store
    repo: str
    tag: str
    digest: str | None
    identity: str
    shown: str


def locate(
    ref: str,
    *,
    layout: Path | None = None,
    identity: str | None = None,
    policy: HttpPolicy | None = None,
) -> Located:
    """``oci://host/repo:tag[@digest]`` in a registry, or ``repo:tag`` in the layout.

    ``identity`` overrides the expected ``docker-reference`` (a full repository
    name such as ``registry.example.com/charts/bp-x``).
    """
    try:
        if ref.startswith("oci://"):
            parsed = Reference.parse(ref)
            if parsed.tag is None:
                raise BuildError(f"{parsed.repository_url}: give the version tag (repo:tag)")
            expected = identity or f"{parsed.host}/{parsed.repository}"
            store: Store = RegistryStore(parsed.host, policy=policy)
            return Located(store, parsed.repository, parsed.tag, parsed.digest, expected, ref)
        name, _, digest = ref.partition("@")
        repo, sep, tag = name.rpartition(":")
        if not sep or "/" in tag:
            raise BuildError(f"{ref[:200]!r}: expected repo:tag inside the layout")
        validate_repository(repo)
        root = layout or DEFAULT_LAYOUT
        expected = identity or f"{LAYOUT_IDENTITY_HOST}/{repo}"
        return Located(LayoutStore(root), repo, tag, digest or None, expected, f"{root}:{ref}")
    except InvalidReferenceError as exc:
        raise BuildError(str(exc)) from None
