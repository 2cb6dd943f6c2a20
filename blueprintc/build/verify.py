"""``verify``: is the artifact under this tag the one the key holder published?

Every check is reported by name, so a failure says exactly what is wrong:

- ``resolve``: the tag exists (and equals the pinned ``@digest``, if given);
- ``signature``: a cosign signature by the key over the payload, stored at
  ``sha256-<hex>.sig``; ``digest``: the payload names this manifest (not a
  signature copied from another); ``identity``: it was signed for this
  repository;
- ``content``: the chart inside is the one the tag and repository name
  (catches another signed digest retagged under this version);
- ``dependencies``: the pulled chart holds every subchart it declares;
- ``sbom``: the CycloneDX SBOM at ``sha256-<hex>.sbom`` describes this
  artifact (digest, chart hash, subcharts, images of the default render);
  ``sbom-signature``: it is signed by the key, bound to the SBOM's digest.

A registry that cannot answer (unreachable, reset, a 5xx, a refusal) is not a
failed check: ``RegistryError`` goes to the caller (``verify`` exits 2, "could
not verify"), so a transient fault never looks like tampering. A 404 is a
finding (nothing there); content that misses its digest is one too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build.attach import sbom_tag, stored_signatures
from blueprintc.build.chartfile import ChartArchive, ChartArchiveError, read_chart_archive
from blueprintc.build.guards import PULLED, guard_archive, pull_chart
from blueprintc.build.images import RenderFailed, chart_images
from blueprintc.build.keys import load_verifier
from blueprintc.build.sbom import SBOM_MEDIA_TYPE, Subject, sbom_kube_version, sbom_problems
from blueprintc.build.target import locate
from blueprintc.oci import HttpPolicy, NotFoundError, OCIError, RegistryError, Store
from blueprintc.oci.artifacts import FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE
from blueprintc.oci.content import sha256_digest
from blueprintc.signing import Check as SigCheck
from blueprintc.signing import SigningError, signature_tag, verify_image_signature


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class VerifyResult:
    reference: str
    digest: str | None
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.ok]


def verify_artifact(
    store: Store,
    repo: str,
    tag: str,
    public_key: ec.EllipticCurvePublicKey,
    *,
    identity: str,
    pinned_digest: str | None = None,
    shown: str | None = None,
    require_sbom: bool = True,
) -> VerifyResult:
    """Verify ``repo:tag`` in ``store``; ``identity`` is the expected ``docker-reference``.

    Helm charts get every check. Flux artifacts (Kustomize Blueprints, compiled
    trees) hold no chart: their SBOM, if any, is checked for digest and content
    hash only; ``require_sbom=False`` accepts one without (compiled trees).
    """
    shown = shown or f"{repo}:{tag}"
    checks: list[Check] = []
    digest = store.resolve(repo, tag)  # a registry refusing us raises: not a finding
    if digest is None:
        return VerifyResult(shown, None, (Check("resolve", False, f"{shown} does not exist"),))
    if pinned_digest is not None and pinned_digest != digest:
        checks.append(
            Check("resolve", False, f"{shown} is {digest}, not the pinned {pinned_digest}")
        )
    else:
        checks.append(Check("resolve", True, f"{shown} is {digest}"))
    checks.extend(verify_signatures(store, repo, digest, public_key, identity))
    flux_layer = _flux_layer(store, repo, digest)
    if flux_layer is not None:
        version = tag.replace("_", "+")
        subject = Subject(repo.rsplit("/", 1)[-1], version, identity, digest, flux_layer)
        if require_sbom or store.resolve(repo, sbom_tag(digest)) is not None:
            checks.extend(_sbom_checks(store, repo, subject, None, None, public_key, identity))
        return VerifyResult(shown, digest, tuple(checks))
    archive, tgz, layer = _chart(store, repo, digest, checks)
    if archive is not None and tgz is not None and layer is not None:
        checks.append(_content(archive, repo, tag))
        guard = guard_archive(archive, PULLED, shown)
        checks.append(Check("dependencies", guard.ok, "; ".join(guard.problems) or guard.summary))
        subject = Subject(archive.name, archive.version, identity, digest, layer)
        checks.extend(_sbom_checks(store, repo, subject, archive, tgz, public_key, identity))
    return VerifyResult(shown, digest, tuple(checks))


def verify_signatures(
    store: Store,
    repo: str,
    digest: str,
    key: ec.EllipticCurvePublicKey,
    identity: str,
    prefix: str = "",
) -> list[Check]:
    """The ``signature``, ``digest`` and ``identity`` checks of the ``.sig`` image of
    ``digest`` (names prefixed with ``prefix``, e.g. ``sbom-``)."""
    names = (f"{prefix}signature", f"{prefix}digest", f"{prefix}identity")
    where = f"{repo}:{signature_tag(digest)}"
    try:
        layers = stored_signatures(store, repo, digest)
    except (OCIError, SigningError, ValueError) as exc:
        _reraise_registry_failure(exc)
        return [Check(names[0], False, f"the signatures at {where} are unreadable: {exc}")]
    if not layers:
        return [Check(names[0], False, f"no signature of {digest} at {where}")]
    results = [
        verify_image_signature(
            key, layer.payload, layer.signature, manifest_digest=digest, docker_reference=identity
        )
        for layer in layers
    ]
    best = min(results, key=lambda r: len(r.failures))
    if best.ok:
        return [
            Check(names[0], True, f"a signature by the key verifies ({where})"),
            Check(names[1], True, f"the signed payload names {digest}"),
            Check(names[2], True, f"signed for {identity}"),
        ]
    failures = {f.check: f.message for f in best.failures}
    trusted = SigCheck.SIGNATURE not in failures and SigCheck.PAYLOAD not in failures
    if not trusted:  # the payload's claims are worthless without a valid signature
        problem = failures.get(SigCheck.SIGNATURE) or failures[SigCheck.PAYLOAD]
        return [Check(names[0], False, f"{problem} ({where})")]
    return [
        Check(names[0], True, f"a signature by the key verifies ({where})"),
        Check(names[1], SigCheck.DIGEST not in failures, failures.get(SigCheck.DIGEST, "ok")),
        Check(names[2], SigCheck.IDENTITY not in failures, failures.get(SigCheck.IDENTITY, "ok")),
    ]


def _reraise_registry_failure(exc: Exception) -> None:
    """A registry that failed to answer is no finding about the artifact: raise on."""
    if isinstance(exc, RegistryError) and not isinstance(exc, NotFoundError):
        raise exc


def _flux_layer(store: Store, repo: str, digest: str) -> str | None:
    """The content layer digest when ``digest`` is a Flux artifact, else None."""
    try:
        doc = store.get_manifest(repo, digest).json()
    except (OCIError, ValueError) as exc:
        _reraise_registry_failure(exc)
        return None
    config = doc.get("config") or {}
    if not isinstance(config, dict) or config.get("mediaType") != FLUX_CONFIG_MEDIA_TYPE:
        return None
    layers = [d for d in doc.get("layers") or [] if isinstance(d, dict)]
    content = [d for d in layers if d.get("mediaType") == FLUX_CONTENT_MEDIA_TYPE]
    return str(content[0].get("digest")) if len(content) == 1 else None


def _chart(
    store: Store, repo: str, digest: str, checks: list[Check]
) -> tuple[ChartArchive | None, bytes | None, str | None]:
    try:
        _, tgz = pull_chart(store, repo, digest)
        return read_chart_archive(tgz), tgz, sha256_digest(tgz)
    except (OCIError, ChartArchiveError, ValueError) as exc:
        _reraise_registry_failure(exc)
        checks.append(Check("content", False, f"the artifact is not a readable Helm chart: {exc}"))
        return None, None, None


def _content(archive: ChartArchive, repo: str, tag: str) -> Check:
    wanted_name = repo.rsplit("/", 1)[-1]
    wanted_version = tag.replace("_", "+")
    if archive.name != wanted_name or archive.version != wanted_version:
        return Check(
            "content",
            False,
            f"the tag {tag} of {repo} serves chart {archive.name} {archive.version}, "
            f"not {wanted_name} {wanted_version}",
        )
    return Check("content", True, f"chart {archive.name} {archive.version}")


def _sbom_checks(
    store: Store,
    repo: str,
    subject: Subject,
    archive: ChartArchive | None,
    tgz: bytes | None,
    key: ec.EllipticCurvePublicKey,
    identity: str,
) -> list[Check]:
    tag = sbom_tag(subject.digest)
    try:
        manifest = store.get_manifest(repo, tag)
        layers = [d for d in manifest.json().get("layers") or [] if isinstance(d, dict)]
        boms = [d for d in layers if d.get("mediaType") == SBOM_MEDIA_TYPE]
        if len(boms) != 1:
            return [Check("sbom", False, f"{repo}:{tag} holds no single {SBOM_MEDIA_TYPE} layer")]
        data = store.get_blob(repo, str(boms[0].get("digest")))
    except NotFoundError:
        return [Check("sbom", False, f"no SBOM at {repo}:{tag}")]
    except (OCIError, ValueError) as exc:
        _reraise_registry_failure(exc)
        return [Check("sbom", False, f"the SBOM at {repo}:{tag} is unreadable: {exc}")]
    images: list[str] | None = None
    if archive is not None and tgz is not None:
        try:
            images = chart_images(tgz, archive, kube_version=sbom_kube_version(data))
        except RenderFailed as exc:
            return [Check("sbom", False, f"cannot render the pulled chart to compare: {exc}")]
    subcharts = archive.subcharts if archive is not None else ()
    problems = sbom_problems(data, subject, subcharts, images)
    checks = [Check("sbom", not problems, "; ".join(problems) or f"matches at {repo}:{tag}")]
    return checks + verify_signatures(store, repo, manifest.digest, key, identity, "sbom-")


def verify_reference(
    ref: str,
    key: Path,
    *,
    layout: Path | None = None,
    identity: str | None = None,
    require_sbom: bool = True,
    policy: HttpPolicy | None = None,
) -> VerifyResult:
    """What ``blueprintc verify`` runs: locate ``ref``, read ``cosign.pub``, verify."""
    public_key = load_verifier(key)
    where = locate(ref, layout=layout, identity=identity, policy=policy)
    return verify_artifact(
        where.store,
        where.repo,
        where.tag,
        public_key,
        identity=where.identity,
        pinned_digest=where.digest,
        shown=where.shown,
        require_sbom=require_sbom,
    )
