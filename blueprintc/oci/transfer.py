"""Copy an artifact (manifest, child manifests and blobs) from one store to another."""

from __future__ import annotations

from .content import DOCKER_MANIFEST_LIST, OCI_INDEX, is_digest, manifest_children
from .store import Store

SIGNATURE_SUFFIXES = (".sig", ".att", ".sbom")


def copy(
    src: Store,
    dst: Store,
    repo: str,
    ref: str,
    *,
    dst_repo: str | None = None,
    tag: str | None = None,
    with_signatures: bool = False,
) -> str:
    """Copy ``repo:ref`` from ``src`` to ``dst`` and return the manifest digest.

    The copy is tagged ``tag``, else ``ref`` when ``ref`` is a tag. Blobs the
    destination already has are not sent again. With ``with_signatures``,
    cosign's tag-scheme companions (``sha256-<hex>.sig``/``.att``/``.sbom``)
    are copied too when present.
    """
    target = dst_repo or repo
    digest = _copy_manifest(src, dst, repo, target, ref, tag or (None if is_digest(ref) else ref))
    if with_signatures:
        for suffix in SIGNATURE_SUFFIXES:
            companion = digest.replace(":", "-") + suffix
            if src.resolve(repo, companion) is not None:
                _copy_manifest(src, dst, repo, target, companion, companion)
    return digest


def _copy_manifest(
    src: Store, dst: Store, repo: str, target: str, ref: str, tag: str | None
) -> str:
    fetched = src.get_manifest(repo, ref)
    is_index = fetched.media_type in (OCI_INDEX, DOCKER_MANIFEST_LIST)
    for child in manifest_children(fetched.data):
        if is_index:
            _copy_manifest(src, dst, repo, target, child.digest, None)
        elif not dst.has_blob(target, child.digest):
            dst.push_blob(target, src.get_blob(repo, child.digest), child.media_type)
    return dst.push_manifest(target, fetched.data, fetched.media_type, tag)
