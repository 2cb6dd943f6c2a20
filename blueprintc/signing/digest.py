"""The one digest form cosign signs and tags by: `sha256:<64 lowercase hex>`.

The OCI layer accepts sha512 too, but cosign's payload and `.sig` tag go
through go-containerregistry's `name.Digest`, which takes sha256 only, so a
signature over anything else could not be found or checked by cosign.
"""

from __future__ import annotations

from blueprintc.oci.content import is_digest
from blueprintc.signing.errors import InvalidDigestError


def check_digest(digest: str) -> str:
    """Return `digest` unchanged if it is `sha256:<64 lowercase hex>`, else raise."""
    if not isinstance(digest, str) or not digest.startswith("sha256:") or not is_digest(digest):
        raise InvalidDigestError(
            f"{digest!r} is not a manifest digest; expected 'sha256:' followed by "
            "64 lowercase hex digits (the digest the registry reports for the manifest)"
        )
    return digest
