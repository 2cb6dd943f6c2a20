"""Signatures and SBOMs stored next to an artifact, in cosign's tag scheme.

* Signatures: the ``sha256-<hex>.sig`` image of ``blueprintc.signing`` (what
  ``cosign sign --new-bundle-format=false`` writes; what ``cosign verify
  --key`` and Flux's ``verify: {provider: cosign}`` read). A new signature is
  appended to the layers already there, as cosign does; signing is skipped
  when a signature by the same key over the same digest is already stored,
  so republishing identical content pushes nothing.
* SBOMs: the ``sha256-<hex>.sbom`` image ``cosign attach sbom`` writes (a
  static-file image: one layer of media type ``application/vnd.cyclonedx+json``),
  itself signed like any image. The tag scheme works on every registry, the
  Debian ``docker-registry`` (distribution 2.8, no referrers API) included.
* The Blueprint's source: the ``sha256-<hex>.blueprint`` image, one layer holding the
  deterministic tar+gzip of every file of the Blueprint directory (blueprint.yaml,
  size overlays, chart). A published chart alone lacks what compile needs to build an
  Environment that ``blueprintc.lock`` pins to that version once the catalog directory
  has moved on (configSchema, size overlays, ``depends``); compile fetches it by the
  chart's tag and checks it against the lock's digest, so it needs no signature.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build.keys import Signer
from blueprintc.oci import Descriptor, NotFoundError, Store
from blueprintc.oci.artifacts import Artifact
from blueprintc.oci.content import OCI_MANIFEST, go_json
from blueprintc.signing import (
    SignatureLayer,
    build_signature_image,
    sign_image,
    signature_layers,
    signature_tag,
    verify_image_signature,
)

SBOM_SUFFIX = ".sbom"
SOURCE_SUFFIX = ".blueprint"
SOURCE_MEDIA_TYPE = "application/vnd.blueprintc.blueprint.source.v1.tar+gzip"
_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
_ZERO_TIME = "0001-01-01T00:00:00Z"


def sbom_tag(digest: str) -> str:
    return signature_tag(digest)[: -len(".sig")] + SBOM_SUFFIX


def source_tag(digest: str) -> str:
    return signature_tag(digest)[: -len(".sig")] + SOURCE_SUFFIX


def file_image(payload: bytes, media_type: str) -> Artifact:
    """The single-file image cosign's ``static.NewFile`` builds (OCI media types)."""
    layer = Descriptor.of(payload, media_type)
    config = go_json(
        {
            "architecture": "",
            "created": _ZERO_TIME,
            "history": [{"created": _ZERO_TIME}],
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": [layer.digest]},
            "config": {},
        }
    )
    config_desc = Descriptor.of(config, _OCI_CONFIG)
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": _ggcr(config_desc),
        "layers": [_ggcr(layer)],
    }
    return Artifact(go_json(manifest), OCI_MANIFEST, (config_desc, config), ((layer, payload),))


def stored_signatures(store: Store, repo: str, digest: str) -> list[SignatureLayer]:
    """The signatures stored for ``digest`` (payloads fetched and checked against their digest)."""
    try:
        manifest = store.get_manifest(repo, signature_tag(digest))
    except NotFoundError:
        return []
    return [
        entry.to_layer(store.get_blob(repo, entry.payload_digest))
        for entry in signature_layers(manifest.data)
    ]


def signed_by(
    layers: list[SignatureLayer], public_key: ec.EllipticCurvePublicKey, digest: str, identity: str
) -> bool:
    """True when one of ``layers`` is a valid signature of ``digest`` by ``public_key``."""
    return any(
        verify_image_signature(
            public_key,
            layer.payload,
            layer.signature,
            manifest_digest=digest,
            docker_reference=identity,
        )
        for layer in layers
    )


def sign_manifest(store: Store, repo: str, digest: str, signer: Signer, identity: str) -> bool:
    """Add a signature of ``digest`` by ``signer``; False when one is already stored."""
    return add_signature(store, repo, digest, signer, identity) is not None


def add_signature(
    store: Store, repo: str, digest: str, signer: Signer, identity: str
) -> SignatureLayer | None:
    """Append a signature of ``digest`` by ``signer`` and return it; None when one is
    already stored.

    cosign's tag scheme is read-modify-write: a concurrent signer of the same
    digest can replace what this wrote; ``signature_kept`` finds out.
    """
    existing = stored_signatures(store, repo, digest)
    if signed_by(existing, signer.public_key, digest, identity):
        return None
    added = sign_image(signer.private_key, digest, identity)
    image = build_signature_image(digest, [*existing, added])
    for _, blob in sorted(image.blobs.items()):
        store.push_blob(repo, blob)  # skips a blob the store has
    store.push_manifest(repo, image.manifest, image.manifest_media_type, image.tag)
    return added


def signature_kept(store: Store, repo: str, digest: str, added: SignatureLayer) -> bool:
    """Whether the ``.sig`` image of ``digest`` still holds ``added`` (one manifest read:
    an ECDSA signature is unique, so finding it is finding ours)."""
    try:
        manifest = store.get_manifest(repo, signature_tag(digest))
    except NotFoundError:
        return False
    return any(
        entry.signature == added.signature and entry.payload_digest == added.digest
        for entry in signature_layers(manifest.data)
    )


def attach_sbom(store: Store, repo: str, digest: str, sbom: bytes, media_type: str) -> str:
    """Store ``sbom`` at ``sha256-<hex>.sbom`` (replacing another, as cosign attach does)."""
    return _attach(store, repo, sbom_tag(digest), sbom, media_type)


def attach_source(store: Store, repo: str, digest: str, layer: bytes) -> str | None:
    """Store the Blueprint source ``layer`` at ``sha256-<hex>.blueprint`` unless one is
    there: the artifact is immutable, and a rebuild of the same version differs only in
    what compile's identity digest leaves out (rebuilt ``charts/*.tgz``), so republishing
    is a no-op. None when one was kept."""
    tag = source_tag(digest)
    if store.resolve(repo, tag) is not None:
        return None
    return _attach(store, repo, tag, layer, SOURCE_MEDIA_TYPE)


def stored_source(store: Store, repo: str, digest: str) -> bytes | None:
    """The Blueprint source layer attached to ``digest`` (checked against its digest);
    None when there is none."""
    try:
        manifest = store.get_manifest(repo, source_tag(digest))
    except NotFoundError:
        return None
    try:
        layers = manifest.json().get("layers") or []
    except ValueError:
        return None
    if not isinstance(layers, list) or len(layers) != 1 or not isinstance(layers[0], dict):
        return None
    if layers[0].get("mediaType") != SOURCE_MEDIA_TYPE:
        return None
    return store.get_blob(repo, str(layers[0].get("digest", "")))


def _attach(store: Store, repo: str, tag: str, payload: bytes, media_type: str) -> str:
    image = file_image(payload, media_type)
    if store.resolve(repo, tag) != image.digest:
        image.push(store, repo, tag)
    return image.digest


def _ggcr(desc: Descriptor) -> dict[str, object]:
    return {"mediaType": desc.media_type, "size": desc.size, "digest": desc.digest}
