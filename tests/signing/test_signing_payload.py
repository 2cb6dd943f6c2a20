"""The simple-signing payload: byte-for-byte what cosign signs, and strict parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blueprintc.signing.errors import InvalidDigestError, PayloadError
from blueprintc.signing.payload import (
    COSIGN_SIGNATURE_TYPE,
    SimpleSigningPayload,
    build_payload,
    parse_payload,
)

from .conftest import DATA, SIGNATURE_VECTORS, SignatureVector

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("vector", SIGNATURE_VECTORS, ids=lambda v: v.name)
def test_cosign_made_payloads_are_rebuilt_byte_for_byte(vector: SignatureVector) -> None:
    parsed = parse_payload(vector.payload)
    assert parsed.optional is None
    assert build_payload(parsed.manifest_digest, parsed.docker_reference) == vector.payload


def test_payload_layout_matches_format_md() -> None:
    payload = build_payload(DIGEST, "ghcr.io/org/app")
    # FORMAT.md §2: compact Go JSON, one line, no trailing newline, this key order.
    assert payload == (
        b'{"critical":{"identity":{"docker-reference":"ghcr.io/org/app"},'
        b'"image":{"docker-manifest-digest":"' + DIGEST.encode() + b'"},'
        b'"type":"cosign container image signature"},"optional":null}'
    )
    format_md = (DATA / "FORMAT.md").read_text(encoding="utf-8")
    assert f"`{COSIGN_SIGNATURE_TYPE}`" in format_md
    for key in ("critical.identity.docker-reference", "critical.image.docker-manifest-digest"):
        assert key in format_md


def test_annotations_go_to_optional_with_go_map_order_and_escaping() -> None:
    payload = build_payload(DIGEST, "ghcr.io/org/app", {"z": "1", "a": "<b>&é", "m": "line\nnext"})
    assert payload.endswith(
        b'"optional":{"a":"\\u003cb\\u003e\\u0026\xc3\xa9","m":"line\\nnext","z":"1"}}'
    )
    assert parse_payload(payload).optional == {"a": "<b>&é", "m": "line\nnext", "z": "1"}


def test_empty_annotations_are_null_as_cosign_writes_without_dash_a() -> None:
    assert build_payload(DIGEST, "r.io/x", {}) == build_payload(DIGEST, "r.io/x", None)


_references = st.from_regex(
    r"[a-z0-9]{1,10}(\.[a-z]{2,5})?(:[0-9]{2,5})?(/[a-z0-9._-]{1,12}){1,3}", fullmatch=True
)
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)


@given(
    digest=st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True),
    reference=_references,
    annotations=st.none() | st.dictionaries(_text.filter(bool), _text, min_size=1, max_size=4),
)
def test_build_then_parse_round_trips(
    digest: str, reference: str, annotations: dict[str, str] | None
) -> None:
    payload = build_payload(digest, reference, annotations)
    assert b"\n" not in payload  # one line: newlines inside values are escaped
    assert list(json.loads(payload)) == ["critical", "optional"]
    assert parse_payload(payload) == SimpleSigningPayload(reference, digest, annotations)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("sha256:ABC", "r.io/x"), InvalidDigestError, "64 lowercase hex"),
        (("sha512:" + "a" * 128, "r.io/x"), InvalidDigestError, "not a manifest digest"),
        ((DIGEST, ""), PayloadError, "non-empty"),
        ((DIGEST, "r.io/x@" + DIGEST), PayloadError, "without a digest"),
        ((DIGEST, "r.io/x", {"k": 1}), PayloadError, "values strings"),
        ((DIGEST, "r.io/x", {"k": "\ud800"}), PayloadError, "cannot encode"),
    ],
    ids=["uppercase-digest", "sha512", "empty-ref", "digest-ref", "non-str", "surrogate"],
)
def test_build_refuses_bad_input(args: tuple, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build_payload(*args)


def _doc(**critical: object) -> dict:
    base: dict = {
        "identity": {"docker-reference": "r.io/x"},
        "image": {"docker-manifest-digest": DIGEST},
        "type": COSIGN_SIGNATURE_TYPE,
    }
    base.update(critical)
    return {"critical": base, "optional": None}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not valid UTF-8"),
        (b'{"critical":', "not valid JSON"),
        (b"[]", "payload.critical is missing"),
        (json.dumps(_doc(type="atomic container signature")).encode(), "critical.type is"),
        (json.dumps(_doc(identity={})).encode(), "docker-reference is missing"),
        (json.dumps(_doc(image={"docker-manifest-digest": 7})).encode(), "not a non-empty string"),
        (json.dumps(_doc(image={"docker-manifest-digest": "sha256:x"})).encode(), "lowercase hex"),
        (json.dumps({**_doc(), "optional": []}).encode(), "'optional' must be"),
        (
            b'{"critical":{"identity":{"docker-reference":"a.io/x"},"identity":{},'
            b'"image":{"docker-manifest-digest":"' + DIGEST.encode() + b'"},'
            b'"type":"cosign container image signature"},"optional":null}',
            "duplicate key 'identity'",
        ),
    ],
    ids=["utf8", "json", "shape", "type", "identity", "digest-type", "digest", "optional", "dup"],
)
def test_parse_refuses_what_is_not_a_cosign_payload(data: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_payload(data)


def test_parse_tolerates_a_missing_optional_like_cosign() -> None:
    document = _doc()
    del document["optional"]
    assert parse_payload(json.dumps(document).encode()).optional is None
