"""OCI content digests: the one form cosign signs and tags by.

Cosign's payload and `.sig` tag scheme name a manifest by `sha256:<hex>`;
go-containerregistry accepts only sha256 with 64 lowercase hex digits there, so
blueprintc insists on exactly that form and says so when it gets anything else.
"""

from __future__ import annotations

import hashlib
import re

from blueprintc.signing.errors import InvalidDigestError

_SHA256_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def check_digest(digest: str) -> str:
    """Return `digest` unchanged if it is `sha256:<64 lowercase hex>`, else raise."""
    if not isinstance(digest, str) or not _SHA256_DIGEST.fullmatch(digest):
        raise InvalidDigestError(
            f"{digest!r} is not a manifest digest; expected 'sha256:' followed by "
            "64 lowercase hex digits (the digest the registry reports for the manifest)"
        )
    return digest


def sha256_digest(data: bytes) -> str:
    """Return the OCI digest (`sha256:<hex>`) of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
