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

import re
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.value_shapes import describe, scalar_owner, unset_part, value_fault

_WRONG_TYPE = re.compile(
    r"at <(?P<function>\w+)>: wrong type for value; expected (?P<wanted>\w+); got (?P<got>\w+)"
)
_GO_TYPES = {"float64": "a number", "int": "a number", "int64": "a number", "bool": "a boolean"}


def value_failure_hint(message: str, values: Any, values_file: str) -> str | None:
    """The fix when `message` is a render failing on what `values` (the chart's
    values.yaml, `values_file`) gives it; None for another failure."""
    fault = value_fault(message)
    if fault is not None and fault.kind == "nil":
        return _unset(fault.path, values, values_file)
    if fault is not None and fault.kind == "range":
        path = ".".join(fault.path)
        given = value_at(values, fault.path)
        where = f" in {values_file}: it is {describe(given)} there," if given is not None else ":"
        return (
            f"give .Values.{path} a list (or a mapping){where} and `range` iterates over "
            "nothing else"
        )
    if fault is not None:
        owner = scalar_owner(fault.path, values, fault.field)
        if owner is None:
            return None
        path = ".Values." + ".".join(owner)
        return (
            f"read {path} itself, or make it a mapping in {values_file}: it is "
            f"{describe(value_at(values, owner))} there, which has no field {fault.field}"
        )
    if match := _WRONG_TYPE.search(message):
        got = _GO_TYPES.get(match.group("got"), match.group("got"))
        return (
            f"give {match.group('function')} {_article(match.group('wanted'))}: it got {got}; "
            f"convert the value first (`| toString`), or quote it in the values"
        )
    return None


def _unset(parts: tuple[str, ...], values: Any, values_file: str) -> str | None:
    """The first part of `parts` below `.Values` that nothing sets, and the fix."""
    unset = unset_part(parts, values)
    if unset is None:
        return None
    path = ".Values." + ".".join(parts[: unset.depth + 1])
    guard = f"or read it inside `{{{{ with {path} }}}}`"
    if unset.empty:
        return f"give {path} a value in {values_file}, where it is empty (null), {guard}"
    if unset.close is not None:
        meant = [*parts[: unset.depth], unset.close, *parts[unset.depth + 1 :]]
        return f"read .Values.{'.'.join(meant)} instead: nothing sets {path}"
    return f"give {path} a default in {values_file}, {guard}: nothing sets it"


def _article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"
