"""The interface every OCI content store implements (layout directory, registry)."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

from .content import OCTET_STREAM, Descriptor, FetchedManifest
from .errors import InvalidReferenceError


@runtime_checkable
class Store(Protocol):
    """Blobs and manifests addressed by repository; tags name manifests.

    ``repo`` is a repository path such as ``charts/bp-cnpg``; ``ref`` is a tag
    or a ``sha256:`` digest. Missing content raises ``NotFoundError`` (a
    registry raises its subclass ``RegistryNotFoundError``).
    """

    def push_blob(self, repo: str, data: bytes, media_type: str = OCTET_STREAM) -> Descriptor:
        """Store ``data`` (idempotent) and return its descriptor."""
        ...

    def get_blob(self, repo: str, digest: str) -> bytes:
        """Return the blob, verified against ``digest``."""
        ...

    def has_blob(self, repo: str, digest: str) -> bool: ...

    def push_manifest(self, repo: str, data: bytes, media_type: str, tag: str | None = None) -> str:
        """Store a manifest (its blobs must already be present); tag it; return its digest."""
        ...

    def get_manifest(self, repo: str, ref: str) -> FetchedManifest: ...

    def resolve(self, repo: str, tag: str) -> str | None:
        """Digest the tag points at, or None when there is no such tag."""
        ...

    def tags(self, repo: str) -> list[str]:
        """Sorted tags of ``repo`` (empty when the repository does not exist)."""
        ...

    def referrers(self, repo: str, digest: str) -> list[Descriptor]:
        """Manifests whose ``subject`` is ``digest`` (OCI 1.1 referrers)."""
        ...


def open_store(location: str | os.PathLike[str], *, plain_http: bool | None = None) -> Store:
    """``oci://host[:port]`` gives a ``RegistryStore``, anything else a ``LayoutStore`` root.

    Repositories are then addressed relative to it (``charts/bp-x``), so the
    same publish code works with or without a registry (``out/oci`` by default).
    """
    from .layout import LayoutStore
    from .reference import redact_url, refuse_query, validate_host
    from .registry import RegistryStore

    text = os.fspath(location)
    if text.startswith("oci://"):
        refuse_query(text, "store location")
        host = text[len("oci://") :].rstrip("/")
        if "/" in host:
            raise InvalidReferenceError(
                f"store location {redact_url(text)[:200]!r} must be oci://host[:port] without a "
                "path; pass the repository path to each call instead"
            )
        return RegistryStore(validate_host(host), plain_http=plain_http)
    return LayoutStore(text)
