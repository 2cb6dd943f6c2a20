"""Push an artifact, its SBOM and their signatures; published versions are immutable.

The check comes first: if the tag already names a different digest, nothing
at all is pushed and the result says to bump the version. If it names the
same digest, the artifact is not pushed again (a no-op), and the SBOM and
signatures are only added where missing.

Order, so that a reader never sees a version that is not whole: the artifact
and its SBOM are pushed by digest (untagged); the pulled-back copy is checked
(``check``); both are signed, and the signatures read back (cosign's tag
scheme is read-modify-write, so a concurrent publish with another key can
replace ours: the loser fails, naming it); only then is the version tag
pushed, and read back. A failure at any step leaves the version tag as it
was: nothing new is signed or visible under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from blueprintc.build.attach import (
    add_signature,
    attach_sbom,
    attach_source,
    sbom_tag,
    signature_kept,
)
from blueprintc.build.keys import Signer
from blueprintc.build.sbom import SBOM_MEDIA_TYPE
from blueprintc.build.target import LAYOUT_IDENTITY_HOST, Target
from blueprintc.oci import RegistryStore, Store, flux_artifact
from blueprintc.oci.artifacts import Artifact
from blueprintc.signing import signature_tag

# Called with (store, repo, digest) after the push, before anything is signed or
# tagged: None when the pulled-back artifact is good, else (stage, message).
PullCheck = Callable[[Store, str, str], tuple[str, str] | None]


class State(StrEnum):
    PUSHED = "pushed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    FAILED = "failed"  # content pushed by digest, but not signed and tagged as a whole


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
    stage: str = ""  # where a FAILED publish stopped: pull, guard, sign, tag

    @property
    def ok(self) -> bool:
        return self.state not in (State.REFUSED, State.FAILED)


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
    source: bytes | None = None,
    immutable: bool = True,
    check: PullCheck | None = None,
) -> PublishResult:
    """Push ``artifact`` as ``repo:tag``, attach ``sbom`` and the Blueprint ``source``
    layer, sign the artifact and the SBOM with ``signer`` (in the order of the module
    doc); ``check`` vets the pulled-back copy first."""
    store, digest = target.store, artifact.digest
    shown = target.reference(repo, tag)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    existing = store.resolve(repo, tag)
    if immutable and existing is not None and existing != digest:
        problem = immutability_problem(store, repo, tag, digest, shown)
        return PublishResult(shown, repo, tag, digest, State.REFUSED, problem or "")
    if existing != digest:
        artifact.push(store, repo)  # by digest: the tag comes last
    state = State.UNCHANGED if existing == digest else State.PUSHED
    sbom_digest = attach_sbom(store, repo, digest, sbom, SBOM_MEDIA_TYPE) if sbom else None
    if source is not None:
        attach_source(store, repo, digest, source)
    timings["push"] = time.perf_counter() - start

    def failed(stage: str, message: str) -> PublishResult:
        return PublishResult(
            shown, repo, tag, digest, State.FAILED, message, sbom_digest=sbom_digest,
            timings=timings, stage=stage,
        )  # fmt: skip

    problem = check(store, repo, digest) if check is not None else None
    if problem is not None:
        return failed(problem[0], f"{problem[1]}; {_UNTOUCHED.format(shown=shown)}")
    start = time.perf_counter()
    signed = False
    if signer is not None:
        identity = target.identity(repo)
        for subject in (digest, sbom_digest):
            if subject is None:
                continue
            added = add_signature(store, repo, subject, signer, identity)
            if added is not None and not signature_kept(store, repo, subject, added):
                return failed("sign", f"{_lost(repo, subject)}; {_UNTOUCHED.format(shown=shown)}")
            signed = signed or added is not None
    timings["sign"] = time.perf_counter() - start
    start = time.perf_counter()
    if existing != digest:
        moved = _push_tag(store, artifact, repo, tag, shown, immutable)
        if moved is not None:
            return failed("tag", moved)
    timings["push"] += time.perf_counter() - start
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


_UNTOUCHED = "nothing was signed or tagged: {shown} is as it was. Run publish again"


def _lost(repo: str, digest: str) -> str:
    return (
        f"the signature of {digest} was replaced while this publish wrote it: another "
        f"publish signed the same artifact at the same moment (with another key), and "
        f"{repo}:{signature_tag(digest)} holds no signature by this key"
    )


def _push_tag(
    store: Store, artifact: Artifact, repo: str, tag: str, shown: str, immutable: bool
) -> str | None:
    """Point ``tag`` at the artifact last; a message if another publish got there first."""
    digest = artifact.digest
    if immutable:
        meanwhile = store.resolve(repo, tag)
        if meanwhile is not None and meanwhile != digest:
            return (
                f"another publish tagged {shown} as {meanwhile} while this one ran (this build "
                f"is {digest}): published versions are immutable, so the tag was left as it is; "
                "bump the version and build again"
            )
    store.push_manifest(repo, artifact.manifest, artifact.media_type, tag)
    now = store.resolve(repo, tag)
    if now != digest:
        return (
            f"{shown} is {now} right after this publish tagged it {digest}: another publish "
            "tagged the same version at the same moment; check which content the version "
            "should hold, bump the version and build again"
        )
    return None


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
