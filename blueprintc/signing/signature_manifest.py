"""The `.sig` image cosign stores signatures in, as pure data.

Cosign's classic layout (what `cosign sign --new-bundle-format=false` writes
and what Flux falls back to when verifying) stores the signatures of the
manifest `sha256:<hex>` as an ordinary image at tag `sha256-<hex>.sig` in the
same repository. Each signature is one layer of that image:

- the layer blob is the simple-signing payload bytes, with media type
  `application/vnd.dev.cosign.simplesigning.v1+json`;
- the layer annotation `dev.cosignproject.cosign/signature` holds the base64
  ECDSA signature over exactly those bytes.

The image is built from an empty image with OCI media types (Docker schema-2
types when cosign runs with COSIGN_DOCKER_MEDIA_TYPES=true). Its config is
go-containerregistry's config for such an image: zero timestamps, one history
entry and one diff_id per layer. Nothing here reads a clock, so the same
signatures always give the same manifest digest (cosign records a creation
time only with `--record-creation-timestamp`).

This module returns bytes and dicts; pushing them is the OCI client's job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from blueprintc.oci.content import go_json, sha256_digest, sorted_json_value
from blueprintc.signing.digest import check_digest
from blueprintc.signing.errors import PayloadError

SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
SIGNATURE_TAG_SUFFIX = ".sig"

OCI_MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
DOCKER_MANIFEST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG_MEDIA_TYPE = "application/vnd.docker.container.image.v1+json"

_ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time.Time, as json.Marshal writes it


def signature_tag(manifest_digest: str) -> str:
    """Return the tag holding the signatures of `manifest_digest` (`sha256-<hex>.sig`)."""
    algorithm, _, hex_digest = check_digest(manifest_digest).partition(":")
    return f"{algorithm}-{hex_digest}{SIGNATURE_TAG_SUFFIX}"


@dataclass(frozen=True)
class SignatureLayer:
    """One signature: the payload blob and the annotations on its descriptor.

    `extra_annotations` is for cosign's optional keys (certificate, chain,
    bundle); plain key-based signing needs none.
    """

    payload: bytes
    signature: str
    extra_annotations: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def digest(self) -> str:
        return sha256_digest(self.payload)

    def annotations(self) -> dict[str, str]:
        return sorted_json_value({**self.extra_annotations, SIGNATURE_ANNOTATION: self.signature})

    def descriptor(self) -> dict[str, Any]:
        """The layer descriptor, in go-containerregistry's field order."""
        return {
            "mediaType": SIMPLE_SIGNING_MEDIA_TYPE,
            "size": len(self.payload),
            "digest": self.digest,
            "annotations": self.annotations(),
        }


@dataclass(frozen=True)
class SignatureImage:
    """Everything to push for a `.sig` tag: the manifest and the blobs it names."""

    tag: str
    manifest: bytes
    manifest_media_type: str
    config: bytes
    blobs: dict[str, bytes]
    """Every blob the manifest references (config and payloads), by digest."""

    @property
    def manifest_digest(self) -> str:
        return sha256_digest(self.manifest)


def signature_config(layers: Sequence[SignatureLayer]) -> bytes:
    """The config blob go-containerregistry writes for an empty image plus `layers`."""
    config = {
        "architecture": "",
        "created": _ZERO_TIME,
        "history": [{"created": _ZERO_TIME} for _ in layers],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": [layer.digest for layer in layers]},
        "config": {},
    }
    if not layers:
        del config["history"]  # Go's omitempty drops an empty history list
    return go_json(config)


def signature_manifest(
    layers: Sequence[SignatureLayer], *, docker_media_types: bool = False
) -> dict[str, Any]:
    """The `.sig` image manifest as a dict, in go-containerregistry's field order."""
    return _manifest(layers, signature_config(layers), docker_media_types)


def _manifest(
    layers: Sequence[SignatureLayer], config: bytes, docker_media_types: bool
) -> dict[str, Any]:
    return {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST_MEDIA_TYPE if docker_media_types else OCI_MANIFEST_MEDIA_TYPE,
        "config": {
            "mediaType": DOCKER_CONFIG_MEDIA_TYPE if docker_media_types else OCI_CONFIG_MEDIA_TYPE,
            "size": len(config),
            "digest": sha256_digest(config),
        },
        "layers": [layer.descriptor() for layer in layers],
    }


def build_signature_image(
    manifest_digest: str,
    layers: Sequence[SignatureLayer],
    *,
    docker_media_types: bool = False,
) -> SignatureImage:
    """Build the `.sig` image for the signed manifest `manifest_digest`.

    To add a signature to ones already stored, pass the existing layers
    (see `signature_layers`) followed by the new one, as cosign does.
    """
    if not layers:
        raise ValueError("a signature image needs at least one signature layer")
    config = signature_config(layers)
    manifest = _manifest(layers, config, docker_media_types)
    blobs = {sha256_digest(config): config}
    blobs.update((layer.digest, layer.payload) for layer in layers)
    return SignatureImage(
        tag=signature_tag(manifest_digest),
        manifest=go_json(manifest),
        manifest_media_type=manifest["mediaType"],
        config=config,
        blobs=blobs,
    )


@dataclass(frozen=True)
class StoredSignature:
    """A signature layer as listed in a fetched `.sig` manifest (payload not yet fetched)."""

    payload_digest: str
    payload_size: int
    signature: str
    annotations: dict[str, str]

    def to_layer(self, payload: bytes) -> SignatureLayer:
        """Pair this entry with its fetched payload blob, checking size and digest.

        The result can be passed back to `build_signature_image` to keep the
        stored signatures when appending a new one.
        """
        if len(payload) != self.payload_size or sha256_digest(payload) != self.payload_digest:
            raise PayloadError(
                f"the payload blob does not match its descriptor ({self.payload_digest}, "
                f"{self.payload_size} bytes); the registry returned different content"
            )
        extra = {k: v for k, v in self.annotations.items() if k != SIGNATURE_ANNOTATION}
        return SignatureLayer(payload, self.signature, extra)


def signature_layers(manifest: bytes | Mapping[str, Any]) -> Iterable[StoredSignature]:
    """Yield the simple-signing layers of a fetched `.sig` manifest.

    Layers of other media types, or without a signature annotation, are
    skipped: they hold nothing that can be verified. The caller fetches each payload blob by
    digest, checks its size and digest, then verifies it.
    """
    document = json.loads(manifest) if isinstance(manifest, bytes | str) else manifest
    layers = document.get("layers") if isinstance(document, Mapping) else None
    for layer in layers if isinstance(layers, list) else []:
        if not isinstance(layer, Mapping) or layer.get("mediaType") != SIMPLE_SIGNING_MEDIA_TYPE:
            continue
        annotations = layer.get("annotations")
        if not isinstance(annotations, Mapping):
            continue
        signature = annotations.get(SIGNATURE_ANNOTATION)
        digest, size = layer.get("digest"), layer.get("size")
        if isinstance(signature, str) and isinstance(digest, str) and type(size) is int:
            yield StoredSignature(digest, size, signature, dict(annotations))
