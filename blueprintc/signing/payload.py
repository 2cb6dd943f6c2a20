"""Cosign's "simple signing" payload: the exact bytes a signature covers.

Cosign signs a small JSON document, not the image: it names the signed
manifest by digest and the repository it was signed for. The bytes must match
what cosign writes (Go's json.Marshal of sigstore's `SimpleContainerImage`),
field for field and byte for byte:

    {"critical":{"identity":{"docker-reference":"<repository>"},
                 "image":{"docker-manifest-digest":"sha256:<hex>"},
                 "type":"cosign container image signature"},
     "optional":null}

(one line, no spaces, no trailing newline). `optional` holds the annotations
given with `cosign sign -a key=value` as a JSON object with sorted keys, or
`null` when there are none: cosign leaves its annotation map nil unless at
least one `-a` is given, so an empty mapping here also produces `null`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from blueprintc.oci.content import go_json, sorted_json_value
from blueprintc.signing.digest import check_digest
from blueprintc.signing.errors import InvalidDigestError, PayloadError

COSIGN_SIGNATURE_TYPE = "cosign container image signature"


@dataclass(frozen=True)
class SimpleSigningPayload:
    """The claims of a parsed payload."""

    docker_reference: str
    manifest_digest: str
    optional: dict[str, Any] | None = None


def build_payload(
    manifest_digest: str,
    docker_reference: str,
    annotations: Mapping[str, str] | None = None,
) -> bytes:
    """Return the payload bytes cosign would sign for this manifest and repository.

    `docker_reference` is recorded as given; use `reference.repository_name()`
    to turn `registry/repo:tag` into the name cosign itself would record.
    """
    check_digest(manifest_digest)
    if not isinstance(docker_reference, str) or not docker_reference:
        raise PayloadError("docker_reference must be a non-empty repository name")
    if "@" in docker_reference or any(ch.isspace() for ch in docker_reference):
        raise PayloadError(
            f"docker_reference {docker_reference!r} must be a repository name such as "
            "'ghcr.io/org/app', without a digest or spaces; see repository_name()"
        )
    optional: dict[str, str] | None = None
    if annotations:
        for key, value in annotations.items():
            if not isinstance(key, str) or not key or not isinstance(value, str):
                raise PayloadError(
                    f"annotation {key!r}: keys must be non-empty strings and values strings, "
                    "as with `cosign sign -a key=value`"
                )
        optional = sorted_json_value(annotations)
    document = {
        "critical": {
            "identity": {"docker-reference": docker_reference},
            "image": {"docker-manifest-digest": manifest_digest},
            "type": COSIGN_SIGNATURE_TYPE,
        },
        "optional": optional,
    }
    try:
        return go_json(document)
    except ValueError as exc:
        raise PayloadError(f"cannot encode the payload: {exc}") from None


def parse_payload(data: bytes) -> SimpleSigningPayload:
    """Parse and validate payload bytes (e.g. a `.sig` layer blob).

    Refuses anything that is not a cosign simple-signing payload: wrong
    `critical.type`, missing or mistyped claims, a digest not of the form
    `sha256:<hex>`, and JSON with duplicate keys (whose meaning differs
    between parsers, so a signature over them binds nothing reliably).
    """
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise PayloadError("payload is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(f"payload is not valid JSON: {exc.msg} at offset {exc.pos}") from None
    except _DuplicateKey as exc:
        raise PayloadError(f"payload JSON has a {exc.args[0]}") from None
    except ValueError:  # e.g. an integer too long to convert
        raise PayloadError("payload is not valid JSON") from None
    critical = _object(document, "critical", "payload")
    identity = _object(critical, "identity", "critical")
    image = _object(critical, "image", "critical")
    kind = critical.get("type")
    if kind != COSIGN_SIGNATURE_TYPE:
        raise PayloadError(
            f"critical.type is {kind!r}, expected {COSIGN_SIGNATURE_TYPE!r}; "
            "this is not a cosign image signature"
        )
    reference = _string(identity, "docker-reference", "critical.identity")
    digest = _string(image, "docker-manifest-digest", "critical.image")
    try:
        check_digest(digest)
    except InvalidDigestError as exc:
        raise PayloadError(f"critical.image.docker-manifest-digest: {exc}") from None
    optional = document.get("optional")
    if optional is not None and not isinstance(optional, dict):
        raise PayloadError("'optional' must be a JSON object or null")
    return SimpleSigningPayload(reference, digest, optional)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key {key!r}")
        result[key] = value
    return result


def _object(parent: Any, key: str, where: str) -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(value, dict):
        raise PayloadError(f"{where}.{key} is missing or not a JSON object")
    return value


def _string(parent: dict[str, Any], key: str, where: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{where}.{key} is missing or not a non-empty string")
    return value
