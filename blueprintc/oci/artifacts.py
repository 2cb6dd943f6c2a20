"""Deterministic builders for the two artifact kinds blueprintc publishes.

* Helm charts, shaped exactly as ``helm push`` stores them (checked against a
  real registry in the tests): config = the chart's metadata as Go marshals it,
  one layer = the chart ``.tgz`` as is, OCI annotations derived from Chart.yaml.
* Flux artifacts, shaped as ``flux push artifact`` builds them with
  go-containerregistry: the config is the empty image config that library
  computes (a rootfs whose one diff_id is the digest of the uncompressed tar),
  one ``tar+gzip`` layer, and ``source``/``revision`` annotations.

No timestamp appears unless ``SOURCE_DATE_EPOCH`` (or ``created=``) gives one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .chartmeta import chart_annotations, chart_metadata, chart_metadata_json
from .content import (
    ANNOTATION_CREATED,
    ANNOTATION_REVISION,
    ANNOTATION_SOURCE,
    OCI_MANIFEST,
    Descriptor,
    go_json,
    sha256_digest,
)
from .store import Store
from .tarball import Entry, files_entries, gzip_deterministic, tar_bytes, tree_entries

HELM_CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json"
HELM_CHART_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
FLUX_CONFIG_MEDIA_TYPE = "application/vnd.cncf.flux.config.v1+json"
FLUX_CONTENT_MEDIA_TYPE = "application/vnd.cncf.flux.content.v1.tar+gzip"

__all__ = [
    "FLUX_CONFIG_MEDIA_TYPE",
    "FLUX_CONTENT_MEDIA_TYPE",
    "HELM_CHART_MEDIA_TYPE",
    "HELM_CONFIG_MEDIA_TYPE",
    "Artifact",
    "chart_metadata",
    "created_from_env",
    "flux_artifact",
    "flux_layer",
    "helm_chart_artifact",
    "helm_chart_tag",
]


@dataclass(frozen=True)
class Artifact:
    """A manifest with its config and layer blobs, ready to push to any ``Store``."""

    manifest: bytes
    media_type: str
    config: tuple[Descriptor, bytes]
    layers: tuple[tuple[Descriptor, bytes], ...]

    @property
    def digest(self) -> str:
        return sha256_digest(self.manifest)

    def push(self, store: Store, repo: str, tag: str | None = None) -> str:
        """Push blobs (each store skips those present), then the manifest; return its digest."""
        for desc, data in (self.config, *self.layers):
            store.push_blob(repo, data, desc.media_type)
        return store.push_manifest(repo, self.manifest, self.media_type, tag)


def created_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """RFC 3339 UTC time of ``SOURCE_DATE_EPOCH``, or None when it is unset."""
    raw = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {raw[:40]!r}")
    return datetime.fromtimestamp(int(raw), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def helm_chart_tag(version: str) -> str:
    """The tag Helm pushes a chart version under (``+`` is not allowed in tags)."""
    return version.replace("+", "_")


def helm_chart_artifact(chart_tgz: bytes, *, created: str | None = None) -> Artifact:
    """The OCI artifact ``helm push`` would make of ``chart_tgz``."""
    metadata = chart_metadata(chart_tgz)
    config_bytes = chart_metadata_json(metadata)
    config = Descriptor.of(config_bytes, HELM_CONFIG_MEDIA_TYPE)
    layer = Descriptor.of(chart_tgz, HELM_CHART_MEDIA_TYPE)
    annotations = chart_annotations(metadata, created or created_from_env())
    # oras-go's field order, and no top-level mediaType: byte-for-byte Helm's shape.
    doc: dict[str, Any] = {
        "schemaVersion": 2,
        "config": config.to_dict(),
        "layers": [layer.to_dict()],
        "annotations": {k: annotations[k] for k in sorted(annotations)},
    }
    return Artifact(go_json(doc), OCI_MANIFEST, (config, config_bytes), ((layer, chart_tgz),))


def flux_layer(tree: str | os.PathLike[str] | Mapping[str, bytes]) -> bytes:
    """The deterministic ``tar+gzip`` of a directory or of ``{"path": bytes}``."""
    return gzip_deterministic(tar_bytes(_entries(tree)))


def flux_artifact(
    tree: str | os.PathLike[str] | Mapping[str, bytes],
    *,
    source: str,
    revision: str,
    created: str | None = None,
    annotations: Mapping[str, str] | None = None,
) -> Artifact:
    """A Flux OCI artifact of ``tree``; ``source``/``revision`` trace it back to Git."""
    tar = tar_bytes(_entries(tree))
    layer_bytes = gzip_deterministic(tar)
    layer = Descriptor.of(layer_bytes, FLUX_CONTENT_MEDIA_TYPE)
    config_bytes = _ggcr_empty_config(sha256_digest(tar))
    config = Descriptor.of(config_bytes, FLUX_CONFIG_MEDIA_TYPE)
    notes = dict(annotations or {})
    notes[ANNOTATION_SOURCE] = source
    notes[ANNOTATION_REVISION] = revision
    stamp = created or created_from_env()
    if stamp:
        notes[ANNOTATION_CREATED] = stamp
    doc: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": _ggcr_descriptor(config),
        "layers": [_ggcr_descriptor(layer)],
        "annotations": {k: notes[k] for k in sorted(notes)},
    }
    return Artifact(go_json(doc), OCI_MANIFEST, (config, config_bytes), ((layer, layer_bytes),))


def _entries(tree: str | os.PathLike[str] | Mapping[str, bytes]) -> list[Entry]:
    if isinstance(tree, str | os.PathLike):
        return tree_entries(Path(tree))
    return files_entries(tree)


def _ggcr_descriptor(desc: Descriptor) -> dict[str, Any]:
    """go-containerregistry's descriptor field order: mediaType, size, digest."""
    return {"mediaType": desc.media_type, "size": desc.size, "digest": desc.digest}


def _ggcr_empty_config(diff_id: str) -> bytes:
    """The config go-containerregistry computes for ``empty.Image`` plus one layer."""
    zero = "0001-01-01T00:00:00Z"
    return go_json(
        {
            "architecture": "",
            "created": zero,
            "history": [{"created": zero}],
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "config": {},
        }
    )
