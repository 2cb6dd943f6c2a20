"""The `format` checks every validator here uses: jsonschema's, with three our own.

jsonschema checks a format through an optional library, imported with jsonschema
itself when it is installed, so each one costs every start-up (issue 11: lint of one
Blueprint under 300 ms), and some cost more than that:

- `duration` through isoduration, which imports arrow and dateutil (~20 ms);
- `uri` and `uri-reference` through rfc3987 (GPL-3.0, in this Apache-2.0 tool) or
  rfc3986-validator, which compiles RFC 3986's whole grammar as one regex on import
  (~29 ms measured here);
- `iri` through rfc3987-syntax, which builds a lark grammar on import (1.1 s).

So blueprintc depends on the other format libraries by name (pyproject.toml), leaves
`iri` and `iri-reference` unchecked as jsonschema does without those libraries, and
checks these three here, with patterns compiled when first used:

- `duration` as ISO 8601 writes it, as isoduration did: `P`, then years, months, weeks
  and days, then `T` and hours, minutes and seconds, each optional but in that order, at
  least one in all and at least one after a `T`; a number may have a decimal fraction
  (`PT1.5S`). RFC 3339 Appendix A's stricter grammar would refuse the common `PT1H30S`,
  and a check that refuses what every parser accepts cries wolf.
- `uri`: an RFC 3986 scheme, `:`, then only characters a URI may hold (unreserved,
  reserved, `%` with two hex digits) and at most one `#`; `uri-reference` the same
  with the scheme optional. Looser than the full grammar (it does not parse the
  authority), never stricter: a space, a missing scheme, a stray `%` or a character
  such as `<` or `"` fails.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported with a validator only: a valid document never needs it
    from jsonschema import FormatChecker
    from jsonschema.protocols import Validator

_N = r"\d+(?:[.,]\d+)?"
_DURATION_TIME = rf"(?:T(?=\d)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?"
_DURATION = rf"P(?=\d|T\d)(?:{_N}Y)?(?:{_N}M)?(?:{_N}W)?(?:{_N}D)?{_DURATION_TIME}"
_URI_CHARACTERS = r"(?:[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
_URI_REFERENCE = rf"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?{_URI_CHARACTERS}(?:#{_URI_CHARACTERS})?"
_URI = rf"[A-Za-z][A-Za-z0-9+.\-]*:{_URI_CHARACTERS}(?:#{_URI_CHARACTERS})?"

# Drafts by their metaschema's `$schema`: which of our checks each one defines.
_DRAFT_3_4 = frozenset(
    {"http://json-schema.org/draft-03/schema", "http://json-schema.org/draft-04/schema"}
)
_DRAFTS_WITH_DURATION = frozenset(
    {
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    }
)


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.ASCII)


def _matches(text: str, instance: object) -> bool:
    """A non-string is not a format's business (the `type` keyword's)."""
    return not isinstance(instance, str) or _pattern(text).fullmatch(instance) is not None


def is_duration(instance: object) -> bool:
    """An ISO 8601 duration."""
    return _matches(_DURATION, instance)


def is_uri(instance: object) -> bool:
    """An absolute URI: a scheme, then what a URI may hold."""
    return _matches(_URI, instance)


def is_uri_reference(instance: object) -> bool:
    """A URI or a relative reference."""
    return _matches(_URI_REFERENCE, instance)


def draft_2020_12_conforms(name: str, instance: object) -> bool | None:
    """What `format_checker(Draft202012Validator)` says of `instance` as format `name`,
    for the formats it checks without a library (None for the others: not known here,
    so the caller asks jsonschema)."""
    own = _OWN_2020_12.get(name)
    if own is not None:
        return own(instance)
    if name == "regex":  # jsonschema's own check: does Python compile it
        if not isinstance(instance, str):
            return True
        try:
            re.compile(instance)
        except re.error:
            return False
        except Exception:  # jsonschema raises it: not certain
            return None
        return True
    return None


def _is_date_time(instance: object) -> bool:
    """jsonschema's `date-time` check, through the same library."""
    if not isinstance(instance, str):
        return True
    from rfc3339_validator import validate_rfc3339

    return bool(validate_rfc3339(instance.upper()))


def _is_host_name(instance: object) -> bool:
    """jsonschema's `hostname` check, through the same library (its ValueError, which
    jsonschema counts as a failure, included)."""
    if not isinstance(instance, str):
        return True
    from fqdn import FQDN

    try:
        return bool(FQDN(instance, min_labels=1).is_valid)
    except ValueError:
        return False


def _unchecked(instance: object) -> bool:
    return True


_OPENAPI_FORMATS = ("int32", "int64", "float", "double", "byte", "binary", "password")


_OWN_2020_12 = {
    "uri": is_uri,
    "uri-reference": is_uri_reference,
    "duration": is_duration,
    "date-time": _is_date_time,
    "hostname": _is_host_name,
    # OpenAPI's formats, which jsonschema does not check (Flux's schemas use int64).
    **dict.fromkeys(_OPENAPI_FORMATS, _unchecked),
}


@cache
def format_checker(cls: type[Validator]) -> FormatChecker:
    """`cls`'s own format checker with our checks of the formats its draft defines."""
    from jsonschema import FormatChecker

    draft = cls.META_SCHEMA.get("$schema", "").rstrip("#")
    checkers = {**cls.FORMAT_CHECKER.checkers, "uri": (is_uri, ())}
    if draft not in _DRAFT_3_4:
        checkers["uri-reference"] = (is_uri_reference, ())
    if draft in _DRAFTS_WITH_DURATION:
        checkers["duration"] = (is_duration, ())
    checker = FormatChecker(formats=())
    checker.checkers = checkers
    return checker
