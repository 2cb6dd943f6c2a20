"""Push an artifact, its SBOM and their signatures; published versions are immutable.

The check comes first: if the tag already names a different digest, nothing
at all is pushed and the result says to bump the version. If it names the
same digest, the artifact is not pushed again (a no-op), and the SBOM and
signatures are only added where missing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from blueprintc.build.attach import attach_sbom, sbom_tag, sign_manifest
from blueprintc.build.keys import Signer
from blueprintc.build.sbom import SBOM_MEDIA_TYPE
from blueprintc.build.target import LAYOUT_IDENTITY_HOST, Target
from blueprintc.oci import RegistryStore, Store, flux_artifact
from blueprintc.oci.artifacts import Artifact
from blueprintc.signing import signature_tag


class State(StrEnum):
    PUSHED = "pushed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class PublishResult:
    reference: str
    repo: str
    tag: str
    digest: str
    state: State
    message: str = ""
    signature_tag: str | None = None
    newly_signed: bool = False
    sbom_tag: str | None = None
    sbom_digest: str | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.state is not State.REFUSED


def immutability_problem(store: Store, repo: str, tag: str, digest: str, shown: str) -> str | None:
    """Why ``digest`` may not be published as ``repo:tag``; None if it may (or is already)."""
    existing = store.resolve(repo, tag)
    if existing is None or existing == digest:
        return None
    return (
        f"{shown} already exists as {existing} and this build is {digest}: published "
        "versions are immutable, so nothing was pushed. Bump the version (Chart.yaml "
        "`version` and blueprint.yaml) and build again"
    )


def publish(
    artifact: Artifact,
    target: Target,
    repo: str,
    tag: str,
    *,
    signer: Signer | None = None,
    sbom: bytes | None = None,
    immutable: bool = True,
) -> PublishResult:
    """Push ``artifact`` as ``repo:tag``, attach ``sbom``, sign both with ``signer``."""
    store, digest = target.store, artifact.digest
    shown = target.reference(repo, tag)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    existing = store.resolve(repo, tag)
    if immutable and existing is not None and existing != digest:
        problem = immutability_problem(store, repo, tag, digest, shown)
        return PublishResult(shown, repo, tag, digest, State.REFUSED, problem or "")
    if existing != digest:
        artifact.push(store, repo, tag)
    state = State.UNCHANGED if existing == digest else State.PUSHED
    sbom_digest = attach_sbom(store, repo, digest, sbom, SBOM_MEDIA_TYPE) if sbom else None
    timings["push"] = time.perf_counter() - start
    start = time.perf_counter()
    signed = False
    if signer is not None:
        identity = target.identity(repo)
        signed = sign_manifest(store, repo, digest, signer, identity)
        if sbom_digest is not None:
            signed = sign_manifest(store, repo, sbom_digest, signer, identity) or signed
    timings["sign"] = time.perf_counter() - start
    return PublishResult(
        shown,
        repo,
        tag,
        digest,
        state,
        signature_tag=signature_tag(digest) if signer else None,
        newly_signed=signed,
        sbom_tag=sbom_tag(digest) if sbom else None,
        sbom_digest=sbom_digest,
        timings=timings,
    )


def publish_tree(
    directory: Path,
    store: Store | Target,
    repo: str,
    tag: str,
    signer: Signer | None,
    *,
    source: str,
    revision: str,
    identity: str | None = None,
    immutable: bool = True,
) -> PublishResult:
    """Publish a directory (e.g. a compiled Environment tree) as a signed Flux OCI artifact.

    Media types are Flux's (``application/vnd.cncf.flux.config.v1+json``,
    ``...content.v1.tar+gzip``); ``source``/``revision`` (e.g. the Git URL and
    ``main@sha1:<commit>``) become the annotations ``flux push artifact`` sets.
    ``identity`` is the signed ``docker-reference`` base when ``store`` is a bare store.
    """
    if isinstance(store, Target):
        target = store
    else:
        host = store.host if isinstance(store, RegistryStore) else LAYOUT_IDENTITY_HOST
        target = Target(store, "", identity or host, repr(store))
    artifact = flux_artifact(directory, source=source, revision=revision)
    return publish(artifact, target, repo, tag, signer=signer, immutable=immutable)
