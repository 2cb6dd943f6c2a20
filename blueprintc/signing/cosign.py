"""Sign and verify cosign image signatures (ECDSA P-256, SHA-256, DER, base64).

A cosign signature is ECDSA P-256 over SHA-256 of the payload bytes, ASN.1/DER
encoded, then standard base64: the string stored in the layer annotation
`dev.cosignproject.cosign/signature`. Nothing in the signature names the
algorithm; it follows from the key.

A valid signature alone proves little: it must also be over a payload that
names the manifest being verified (else a signature for one image could be
replayed onto another). `verify_image_signature` checks all of it and reports
each failed check by name, so callers can say exactly what was wrong.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.signing.digest import check_digest
from blueprintc.signing.errors import ImageReferenceError, PayloadError
from blueprintc.signing.payload import SimpleSigningPayload, build_payload, parse_payload
from blueprintc.signing.reference import repository_name
from blueprintc.signing.signature_manifest import SignatureLayer

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())


def sign_payload(private_key: ec.EllipticCurvePrivateKey, payload: bytes) -> str:
    """Sign `payload` and return the base64 DER signature cosign stores."""
    der = private_key.sign(payload, _ECDSA_SHA256)
    return base64.b64encode(der).decode("ascii")


def sign_image(
    private_key: ec.EllipticCurvePrivateKey,
    manifest_digest: str,
    docker_reference: str,
    annotations: Mapping[str, str] | None = None,
) -> SignatureLayer:
    """Build the payload for a manifest, sign it, and return the `.sig` layer."""
    payload = build_payload(manifest_digest, docker_reference, annotations)
    return SignatureLayer(payload=payload, signature=sign_payload(private_key, payload))


def verify_signature(
    public_key: ec.EllipticCurvePublicKey, payload: bytes, signature: str | bytes
) -> bool:
    """True if `signature` (base64 DER, as in the annotation) signs `payload`."""
    return _signature_problem(public_key, payload, signature) is None


class Check(StrEnum):
    """The checks `verify_image_signature` makes, named in its failures."""

    SIGNATURE = "signature"
    PAYLOAD = "payload"
    DIGEST = "digest"
    IDENTITY = "identity"


@dataclass(frozen=True)
class Failure:
    """One failed check and a sentence saying why."""

    check: Check
    message: str


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of verifying one signature.

    Truthy only when every check passed, so `if result:` is safe. `payload`
    is the parsed payload when it parsed (even if the signature failed, in
    which case its claims must not be trusted).
    """

    failures: tuple[Failure, ...]
    payload: SimpleSigningPayload | None

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failed_checks(self) -> frozenset[Check]:
        return frozenset(failure.check for failure in self.failures)

    def __bool__(self) -> bool:
        return self.ok


def verify_image_signature(
    public_key: ec.EllipticCurvePublicKey,
    payload: bytes,
    signature: str | bytes,
    *,
    manifest_digest: str,
    docker_reference: str | None = None,
) -> VerificationResult:
    """Verify a stored signature and that its payload binds to the expected image.

    Checks, each reported separately: the signature over the payload bytes;
    that the payload is a cosign simple-signing payload; that it names
    `manifest_digest`; and, if `docker_reference` is given, that it names that
    repository (both sides normalised as cosign does, so `busybox:1` matches
    `index.docker.io/library/busybox`). Cosign and Flux skip the identity
    check; pass `docker_reference=None` to do the same.

    Raises InvalidDigestError or ImageReferenceError for malformed *expected*
    values, which are the caller's mistake, not the signature's.
    """
    check_digest(manifest_digest)
    expected_repository = None if docker_reference is None else repository_name(docker_reference)
    failures: list[Failure] = []
    problem = _signature_problem(public_key, payload, signature)
    if problem is not None:
        failures.append(Failure(Check.SIGNATURE, problem))
    try:
        parsed: SimpleSigningPayload | None = parse_payload(payload)
    except PayloadError as exc:
        failures.append(Failure(Check.PAYLOAD, str(exc)))
        return VerificationResult(tuple(failures), None)
    if parsed.manifest_digest != manifest_digest:
        failures.append(
            Failure(
                Check.DIGEST,
                f"the payload signs manifest {parsed.manifest_digest}, "
                f"not the expected {manifest_digest}",
            )
        )
    if expected_repository is not None:
        identity = _identity_problem(parsed.docker_reference, expected_repository)
        if identity is not None:
            failures.append(Failure(Check.IDENTITY, identity))
    return VerificationResult(tuple(failures), parsed)


def _signature_problem(
    public_key: ec.EllipticCurvePublicKey, payload: bytes, signature: str | bytes
) -> str | None:
    text = signature.decode("ascii", "replace") if isinstance(signature, bytes) else signature
    try:
        # Go's base64 decoder skips line breaks; everything else must be exact.
        der = base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return "the signature is not valid standard base64"
    try:
        public_key.verify(der, payload, _ECDSA_SHA256)
    except InvalidSignature:
        return "the signature does not match the payload and public key"
    return None


def _identity_problem(signed_reference: str, expected_repository: str) -> str | None:
    try:
        signed_repository = repository_name(signed_reference)
    except ImageReferenceError:
        return f"the payload's docker-reference {signed_reference!r} is not a valid repository"
    if signed_repository != expected_repository:
        return (
            f"the payload was signed for {signed_reference!r}, "
            f"not the expected {expected_repository!r}"
        )
    return None
