"""Turning JSON Schema errors into findings at the line of the offending key or value."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from blueprintc.diagnostics import Finding, Location
from blueprintc.schema_refusal import value_choice
from blueprintc.schemas import error_message, most_specific_error, quick_valid, validator_for
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

if TYPE_CHECKING:
    from jsonschema import ValidationError

_UNEXPECTED = re.compile(r"\('(?P<key>[^']+)' (?:was|were) unexpected\)")
_UNEXPECTED_MANY = re.compile(r"\((?P<keys>'[^)]*') were unexpected\)")
_REQUIRED = re.compile(r"'(?P<key>[^']*)' is a required property$")


def schema_findings(
    doc: YamlDoc, schema: dict[str, Any], base: PathKey = (), hint: str | None = None
) -> Iterator[Finding]:
    """One finding per schema error, at the most specific position the error names."""
    data = doc.get(base)
    if quick_valid(schema, data):
        return
    if data is None and not base:
        yield _empty_file(doc, schema, hint)
        return
    validator = validator_for(schema)
    found = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    errors = [most_specific_error(error) for error in found]
    misspelt = _misspelt_keys(errors)
    for error in errors:
        if _required_key(error, misspelt):
            continue  # its misspelling is reported, with the key to write (one cause)
        path: PathKey = (*base, *error.absolute_path)
        key = False
        unexpected = unexpected_keys(error)
        if unexpected:
            path = (*path, unexpected[0])
            key = True
        elif error.validator == "required" and path:
            key = True  # at the key of the mapping that lacks it (`card:`), not in it
        line, column = doc.locate(path, key=key)
        where = json_path(path) or "the document"
        yield Finding(
            f"{where}: {error_message(error)}",
            Location(doc.source.rel, line, column, json_path(path)),
            hint=hint
            or unquoted_text_hint(doc, error, path)
            or number_hint(doc, error, path)
            or schema_hint(error, path, schema),
        )


def _misspelt_keys(errors: list[ValidationError]) -> set[tuple[tuple[Any, ...], str]]:
    """(where, allowed key) for each unexpected key that is a misspelling of an allowed
    one (`verison` of `version`)."""
    found = set()
    for error in errors:
        close = closest_allowed_key(error)
        if close is not None:
            found.add((tuple(error.absolute_path), close))
    return found


def _required_key(error: ValidationError, misspelt: set[tuple[tuple[Any, ...], str]]) -> bool:
    """Whether `error` says a key is missing that a misspelt key beside it stands for."""
    if error.validator != "required":
        return False
    match = _REQUIRED.match(error.message)
    return match is not None and (tuple(error.absolute_path), match.group("key")) in misspelt


def unquoted_text_hint(doc: YamlDoc, error: ValidationError, path: PathKey) -> str | None:
    """For text the schema wants that YAML read as a number or a boolean (`1.30`, read
    1.3; `on`, read true): the quoted value to write, as the file spells it."""
    wanted = error.validator_value
    types = wanted if isinstance(wanted, list) else [wanted]
    if error.validator != "type" or "string" not in types:
        return None
    if not isinstance(error.instance, int | float) or not path:
        return None
    written = doc.written(path)
    if written is None:
        return None
    quoted = f'"{written}"' if isinstance(path[-1], int) else f'{path[-1]}: "{written}"'
    what = "boolean" if isinstance(error.instance, bool) else "number"
    return f"quote it, `{quoted}`: unquoted, YAML reads {written} as a {what}"


def number_hint(doc: YamlDoc, error: ValidationError, path: PathKey) -> str | None:
    """For a number the schema wants where the file has something else (`80%`, `"80"`,
    `2.5` for an integer): the number to write, taken from the digits the value starts
    with when it does."""
    wanted = error.validator_value
    types = wanted if isinstance(wanted, list) else [wanted]
    if error.validator != "type" or "string" in types:
        return None
    whole = "integer" in types
    if not whole and "number" not in types:
        return None
    if isinstance(error.instance, dict | list | bool) or error.instance is None:
        return None  # a mapping or a list where a number belongs: the type says it
    text = doc.written(path) if path else None
    text = str(error.instance) if text is None else text.strip("\"'")
    leading = re.match(r"\s*(\d+)" if whole else r"\s*(\d+(?:\.\d+)?)", text)
    what = "a whole number" if whole else "a number"
    example = leading.group(1) if leading else _schema_number(error.schema)
    return f"write {what}, e.g. {example}" if example else f"write {what}, unquoted"


def _schema_number(schema: Any) -> str | None:
    """The number the schema gives as its default, if it does."""
    value = schema.get("default") if isinstance(schema, dict) else None
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def unexpected_keys(error: ValidationError) -> list[str]:
    """The keys an `additionalProperties`/`unevaluatedProperties` error names."""
    if error.validator not in ("additionalProperties", "unevaluatedProperties"):
        return []
    match = _UNEXPECTED.search(error.message)
    if match:
        return [match.group("key")]
    many = _UNEXPECTED_MANY.search(error.message)
    return re.findall(r"'([^']+)'", many.group("keys")) if many else []


def _empty_file(doc: YamlDoc, schema: dict[str, Any], hint: str | None) -> Finding:
    required = [str(key) for key in schema.get("required", [])]
    needs = f": it needs {', '.join(required)}" if required else ""
    return Finding(
        f"the file holds no document (it is empty, comments only or null){needs}",
        Location(doc.source.rel, 1, 1, ""),
        hint=hint or (f"add {', '.join(required)}" if required else "add the document"),
    )


def _required_hint(error: ValidationError, path: PathKey, root: Any) -> str:
    """`add `title:` under `spec.card` (a string)`: the key jsonschema says is missing,
    where, and what its value may be when the schema says so directly."""
    match = _REQUIRED.match(error.message)
    if match is None:
        return "add the missing key"
    name = match.group("key")
    where = f"under `{json_path(path)}`" if path else "at the top of the file"
    choice = value_choice(error.schema if root is None else root, _allowed_keys(error).get(name))
    return f"add `{name}:` {where}" + (f" ({choice})" if choice else "")


def _allowed_keys(error: ValidationError) -> dict[str, Any]:
    allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return allowed if isinstance(allowed, dict) else {}


def closest_allowed_key(error: ValidationError) -> str | None:
    """For an unexpected-key error, the allowed key closest to the first unexpected one."""
    unexpected = unexpected_keys(error)
    if not unexpected:
        return None
    close = difflib.get_close_matches(unexpected[0], list(_allowed_keys(error)), 1)
    return close[0] if close else None


def misspelt_key_hint(close: str) -> str:
    return f"did you mean {close!r}? Otherwise remove the key"


def schema_hint(error: ValidationError, path: PathKey = (), root: Any = None) -> str:
    """The fix for a schema error at `path` (of a document `root` describes): the allowed
    key closest to a misspelt one, the missing key and what it may be, the allowed
    values, the pattern or type to meet."""
    keyword = error.validator
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        close = closest_allowed_key(error)
        if close is not None:
            return misspelt_key_hint(close)
        allowed = _allowed_keys(error)
        if allowed:
            return f"remove the key; allowed here: {', '.join(sorted(allowed))}"
        return "remove the key or fix its spelling; the schema lists the allowed keys"
    if keyword == "required":
        return _required_hint(error, path, root)
    if keyword == "enum":
        return f"use one of: {', '.join(map(str, error.validator_value))}"
    if keyword == "pattern":
        return f"match the pattern {error.validator_value}"
    if keyword == "type":
        return f"use a value of type {error.validator_value}"
    return "make the value satisfy the schema (see `blueprintc explain`)"
