"""The fix for a template that fails on what values.yaml gives it.

Go's template engine names the expression and what went wrong, never the value behind
it, and the finding said "fix the template". Four failures come from the values:

- `nil pointer evaluating interface {}.className` for `.Values.ingres.className`:
  the first part of the path values.yaml lacks (`ingres`), most often a misspelling of a
  key it has (`ingress`), else a default values.yaml should give;
- `range can't iterate over cilium` for `range .Values.ingress.className`: a scalar
  where the template wants a list or a mapping;
- `can't evaluate field x in type interface {}` for `.Values.ingress.className.x`: a
  scalar read as if it were a mapping;
- `wrong type for value; expected string; got float64` at `<upper>`: a number or a
  boolean given to a function of strings.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from blueprintc.mapping import value_at

_AT_VALUES = r"at <\$?\.Values\.(?P<path>[\w.]+)>: "
_NIL = re.compile(_AT_VALUES + r"nil pointer evaluating interface \{\}\.\w+")
_RANGE = re.compile(_AT_VALUES + r"range can't iterate over ")
_FIELD = re.compile(_AT_VALUES + r"can't evaluate field (?P<field>\w+) in type interface \{\}")
_WRONG_TYPE = re.compile(
    r"at <(?P<function>\w+)>: wrong type for value; expected (?P<wanted>\w+); got (?P<got>\w+)"
)
_GO_TYPES = {"float64": "a number", "int": "a number", "int64": "a number", "bool": "a boolean"}


def value_failure_hint(message: str, values: Any, values_file: str) -> str | None:
    """The fix when `message` is a render failing on what `values` (the chart's
    values.yaml, `values_file`) gives it; None for another failure."""
    if match := _NIL.search(message):
        return _unset(match.group("path").split("."), values, values_file)
    if match := _RANGE.search(message):
        path = match.group("path")
        given = value_at(values, path.split("."))
        where = f" in {values_file}: it is {_kind(given)} there," if given is not None else ":"
        return (
            f"give .Values.{path} a list (or a mapping){where} and `range` iterates over "
            "nothing else"
        )
    if match := _FIELD.search(message):
        owner = _scalar_owner(match.group("path").split("."), values, match.group("field"))
        if owner is None:
            return None
        path = ".Values." + ".".join(owner)
        return (
            f"read {path} itself, or make it a mapping in {values_file}: it is "
            f"{_kind(value_at(values, owner))} there, which has no field {match.group('field')}"
        )
    if match := _WRONG_TYPE.search(message):
        got = _GO_TYPES.get(match.group("got"), match.group("got"))
        return (
            f"give {match.group('function')} {_article(match.group('wanted'))}: it got {got}; "
            f"convert the value first (`| toString`), or quote it in the values"
        )
    return None


def _unset(parts: list[str], values: Any, values_file: str) -> str | None:
    """The first part of `parts` below `.Values` that nothing sets, and the fix."""
    node = values
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, dict) and node.get(part) is not None:
            node = node[part]
            continue
        path = ".Values." + ".".join(parts[: depth + 1])
        guard = f"or read it inside `{{{{ with {path} }}}}`"
        if isinstance(node, dict) and part in node:
            return f"give {path} a value in {values_file}, where it is empty (null), {guard}"
        keys = [str(k) for k in node] if isinstance(node, dict) else []
        close = difflib.get_close_matches(part, keys, n=1, cutoff=0.6)
        if close:
            meant = ".Values." + ".".join([*parts[:depth], close[0], *parts[depth + 1 :]])
            return f"read {meant} instead: nothing sets {path}"
        return f"give {path} a default in {values_file}, {guard}: nothing sets it"
    return None


def _scalar_owner(parts: list[str], values: Any, field: str) -> list[str] | None:
    """The path to the value in `values` that is no mapping and has `field` read below
    it; None when `values` says otherwise (the failure is not values.yaml's)."""
    node = values
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            return parts[:depth] if depth and part == field else None
        node = node.get(part)
    return None


def _kind(value: Any) -> str:
    """What a YAML value is, said for a user (`a string (cilium)`)."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value})"
    return "empty (null)" if value is None else f"a {type(value).__name__}"


def _article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"
