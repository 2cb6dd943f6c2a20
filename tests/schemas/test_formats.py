"""`duration` is checked without isoduration, and the other formats as jsonschema checks them."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator

from blueprintc.formats import (
    draft_2020_12_conforms,
    format_checker,
    is_duration,
    is_uri,
    is_uri_reference,
)
from blueprintc.schemas import validator_for

ISO_8601 = ["P1Y", "P1Y2M3DT4H5M6S", "PT5M", "PT1H30S", "P2W", "P1Y2W", "P0.5Y", "PT1,5S"]
NOT_DURATIONS = ["P", "PT", "P1DT", "PTS", "P1H", "P1D1M", "5m", "1h30m", "p1y", "P-1D", " P1D"]


@pytest.mark.parametrize("text", ISO_8601)
def test_iso_8601_durations_pass(text: str) -> None:
    assert is_duration(text)


@pytest.mark.parametrize("text", NOT_DURATIONS)
def test_what_is_not_an_iso_8601_duration_fails(text: str) -> None:
    assert not is_duration(text)


def test_a_non_string_is_left_to_the_type_keyword() -> None:
    assert is_duration(5) and is_duration(None)


def test_draft_2020_12_validators_check_duration_and_keep_every_other_format() -> None:
    checker = format_checker(Draft202012Validator)
    assert set(Draft202012Validator.FORMAT_CHECKER.checkers) <= set(checker.checkers)
    validator = validator_for({"type": "string", "format": "duration"})
    assert [e.message for e in validator.iter_errors("5m")] == ["'5m' is not a 'duration'"]
    assert list(validator.iter_errors("PT5M")) == []
    hostname = validator_for({"format": "hostname"})
    assert not hostname.is_valid("-bad-.example") and hostname.is_valid("a.example")
    assert not validator_for({"format": "date-time"}).is_valid("yesterday")
    assert not validator_for({"format": "uri"}).is_valid("no scheme")


URIS = [
    "https://example.com",
    "https://user@example.com:8443/a/b?c=d&e=%20f#top",
    "oci://registry.example.com/catalog/bp-webapp",
    "urn:isbn:0451450523",
    "mailto:ops@example.com",
    "http://[2001:db8::1]/",
    "file:///tmp/x",
]
NOT_URIS = [
    "example.com/x",
    "/relative",
    "https://exa mple.com",
    "http://x/%zz",
    "1http://x",
    "https://x/<y>",
    'https://x/"y"',
    "https://x#a#b",
    "",
]


@pytest.mark.parametrize("text", URIS)
def test_uris_pass(text: str) -> None:
    assert is_uri(text) and is_uri_reference(text)


@pytest.mark.parametrize("text", NOT_URIS)
def test_what_is_not_a_uri_fails(text: str) -> None:
    assert not is_uri(text)


def test_a_relative_reference_is_a_uri_reference_only() -> None:
    for text in ("/relative/path?q=1#f", "../up", "", "#fragment"):
        assert is_uri_reference(text) and not is_uri(text)
    assert not is_uri_reference("a b")


def test_every_draft_checks_uri_and_only_its_own_formats() -> None:
    draft7 = format_checker(Draft7Validator)
    assert set(Draft7Validator.FORMAT_CHECKER.checkers) <= set(draft7.checkers)
    assert "duration" not in draft7.checkers
    assert not Draft7Validator({"format": "uri"}, format_checker=draft7).is_valid("no scheme")
    draft4 = format_checker(Draft4Validator)
    assert "uri" in draft4.checkers and "uri-reference" not in draft4.checkers


FORMAT_SAMPLES = [
    *ISO_8601,
    *NOT_DURATIONS,
    "https://example.com/a?b#c",
    "relative/path",
    "no scheme:",
    "2026-12-04T10:00:00Z",
    "2026-12-04t10:00:00+04:00",
    "2026-13-04T10:00:00Z",
    "2026-12-04",
    "api.example.com",
    "a..b",
    "-bad-.example",
    "x" * 300,
    "",
    "^[a-z]+$",
    "(",
    "[",
    5,
    None,
    True,
    [],
]


@pytest.mark.parametrize(
    "name",
    ["uri", "uri-reference", "duration", "date-time", "hostname", "regex", "int32", "int64"],
)
def test_the_walk_format_check_says_what_jsonschema_says(name: str) -> None:
    """`draft_2020_12_conforms` answers without jsonschema for the formats blueprintc's
    schemas and the metaschema use; where it answers, it is jsonschema's own verdict."""
    checker = format_checker(Draft202012Validator)
    for value in FORMAT_SAMPLES:
        assert draft_2020_12_conforms(name, value) == checker.conforms(value, name), value


def test_openapi_formats_are_unchecked_by_jsonschema_too() -> None:
    checker = format_checker(Draft202012Validator)
    assert {"int32", "int64", "float", "double", "byte", "binary", "password"}.isdisjoint(
        checker.checkers
    )
    assert draft_2020_12_conforms("email", "a@b") is None, "not known here: jsonschema decides"
