"""Content primitives: media types, digests, descriptors, Go-compatible JSON."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from .errors import DigestMismatchError, InvalidReferenceError

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_MEDIA_TYPES = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST)
OCTET_STREAM = "application/octet-stream"

ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name"
ANNOTATION_CREATED = "org.opencontainers.image.created"
ANNOTATION_SOURCE = "org.opencontainers.image.source"
ANNOTATION_REVISION = "org.opencontainers.image.revision"

_DIGEST_RE = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")


def is_digest(value: str) -> bool:
    return bool(_DIGEST_RE.match(value))


def check_digest(value: str) -> str:
    """Return ``value`` if it is a well-formed sha256/sha512 digest, else raise."""
    if not is_digest(value):
        raise InvalidReferenceError(
            f"invalid digest {value[:80]!r}: expected 'sha256:' followed by 64 lowercase hex digits"
        )
    return value


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def verify_digest(data: bytes, digest: str) -> bytes:
    """Return ``data`` if it hashes to ``digest``; raise DigestMismatchError otherwise."""
    algorithm, _, expected = check_digest(digest).partition(":")
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected:
        raise DigestMismatchError(
            f"content does not match its digest: expected {digest}, got {algorithm}:{actual}"
        )
    return data


_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_GO_ESCAPES["\u2029"] = "\\u2029"
_GO_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def go_json(value: Any) -> bytes:
    """Serialise like Go's ``json.Marshal``: compact, UTF-8, HTML characters escaped.

    Dict order is kept as given (Go structs have a fixed field order); callers
    sort keys themselves where Go would marshal a map.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # The escaped characters can only occur inside JSON strings, so a textual
    # replacement on the encoded document is exact.
    return _GO_ESCAPE_RE.sub(lambda m: _GO_ESCAPES[m.group(0)], text).encode("utf-8")


def sorted_json_value(value: Any) -> Any:
    """Recursively sort dict keys, as Go does when it marshals ``map[string]any``."""
    if isinstance(value, Mapping):
        return {k: sorted_json_value(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [sorted_json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Descriptor:
    """An OCI content descriptor; ``annotations`` is read-only."""

    media_type: str
    digest: str
    size: int
    annotations: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        check_digest(self.digest)
        if self.size < 0:
            raise ValueError(f"descriptor size must be >= 0, got {self.size}")
        frozen = MappingProxyType({k: self.annotations[k] for k in sorted(self.annotations)})
        object.__setattr__(self, "annotations", frozen)

    @classmethod
    def of(
        cls, data: bytes, media_type: str, annotations: Mapping[str, str] | None = None
    ) -> Descriptor:
        return cls(media_type, sha256_digest(data), len(data), dict(annotations or {}))

    def to_dict(self) -> dict[str, Any]:
        """OCI field order (mediaType, digest, size, annotations), as oras/helm write it."""
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "digest": self.digest,
            "size": self.size,
        }
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Descriptor:
        try:
            return cls(
                media_type=str(raw["mediaType"]),
                digest=str(raw["digest"]),
                size=int(raw["size"]),
                annotations={str(k): str(v) for k, v in (raw.get("annotations") or {}).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed descriptor: {exc}") from None


class FetchedManifest(NamedTuple):
    """A manifest as read from a store: raw bytes, media type, digest."""

    data: bytes
    media_type: str
    digest: str

    def json(self) -> dict[str, Any]:
        value = json.loads(self.data)
        if not isinstance(value, dict):
            raise ValueError("manifest is not a JSON object")
        return value


def guess_manifest_media_type(data: bytes) -> str:
    """Media type of a manifest whose store did not record one (its own field first)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return OCI_MANIFEST
    if isinstance(doc, dict):
        declared = doc.get("mediaType")
        if isinstance(declared, str) and declared:
            return declared
        if "manifests" in doc:
            return OCI_INDEX
    return OCI_MANIFEST


def manifest_children(data: bytes) -> list[Descriptor]:
    """Descriptors a manifest points at: config + layers, or an index's manifests."""
    doc = json.loads(data)
    children: list[Descriptor] = []
    if isinstance(doc.get("config"), dict):
        children.append(Descriptor.from_dict(doc["config"]))
    for key in ("layers", "blobs"):
        children.extend(Descriptor.from_dict(d) for d in doc.get(key) or [])
    children.extend(Descriptor.from_dict(d) for d in doc.get("manifests") or [])
    return children
