"""A template that failed on the shape of a value: which value, read where.

Go's template engine names the expression that failed and what went wrong, never the
value behind it. Three of its failures come from a value the template reads:

- `nil pointer evaluating interface {}.className` for `.Values.ingres.className`: a
  part of the path that nothing sets (or that is set empty);
- `range can't iterate over cilium` for `range .Values.ingress.className`: a scalar
  where the template wants a list or a mapping;
- `can't evaluate field x in type interface {}` for `.Values.ingress.className.x`: a
  scalar read as if it were a mapping.

Lint gives the fix in values.yaml (`rules.guards.value_failures`), compile at the layer
of a release's values that sets the value (`compile.shaped_values`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from blueprintc.helm import chart_relative

_IN_FILE = r"(?P<file>[\w.\-/]+\.(?:yaml|yml|tpl|txt|json)):\d+(?::\d+)?:? executing \"[^\"]*\" "
_AT_VALUES = r"at <\$?\.Values\.(?P<path>[\w.]+)>: "
_FAULTS = re.compile(
    rf"(?:{_IN_FILE})?{_AT_VALUES}(?:"
    r"(?P<nil>nil pointer evaluating interface \{\}\.\w+)"
    r"|(?P<range>range can't iterate over )"
    r"|can't evaluate field (?P<field>\w+) in type interface \{\})"
)

FaultKind = Literal["nil", "range", "field"]


@dataclass(frozen=True)
class ValueFault:
    kind: FaultKind
    path: tuple[str, ...]  # below `.Values`, as the template reads it
    field: str  # the field read below a scalar ("field" faults), else ""
    template: str | None  # the chart-relative file whose expression failed, if named

    @property
    def subchart_keys(self) -> tuple[str, ...]:
        """The values keys above the failing template's `.Values` in the chart's own
        (`charts/webapp/templates/x.yaml`: webapp; a nested subchart's: both keys)."""
        parts = self.template.split("/") if self.template else []
        keys = []
        while len(parts) > 2 and parts[0] == "charts":
            keys.append(parts[1])
            parts = parts[2:]
        return tuple(keys)


def value_fault(message: str) -> ValueFault | None:
    """The value-shape failure in a render failure's `message`; None for another
    failure."""
    match = _FAULTS.search(message)
    if match is None:
        return None
    kind: FaultKind = "nil" if match.group("nil") else "range" if match.group("range") else "field"
    file = match.group("file")
    return ValueFault(
        kind,
        tuple(match.group("path").split(".")),
        match.group("field") or "",
        chart_relative(file) if file else None,
    )


def scalar_owner(parts: tuple[str, ...], values: Any, field: str) -> tuple[str, ...] | None:
    """The path to the value in `values` that is no mapping and has `field` read below
    it; None when `values` says otherwise (the failure is not theirs)."""
    node = values
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            return parts[:depth] if depth and part == field else None
        node = node.get(part)
    return None


@dataclass(frozen=True)
class UnsetPart:
    """Behind a nil pointer: the first part of the path that nothing sets."""

    depth: int  # its index in the path
    in_mapping: bool  # the value above it is a mapping (not a scalar or a list)
    empty: bool  # set there, to null
    close: str | None  # a key beside it spelled close to it (a misspelling), if not empty


def unset_part(parts: tuple[str, ...], values: Any) -> UnsetPart | None:
    """The first part of `parts` (but the last, the field read) that `values` does not
    set, or sets empty; None when each is set."""
    node = values
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, dict) and node.get(part) is not None:
            node = node[part]
            continue
        in_mapping = isinstance(node, dict)
        empty = in_mapping and part in node
        keys = [str(k) for k in node] if in_mapping and not empty else []
        close = difflib.get_close_matches(part, keys, n=1, cutoff=0.6)
        return UnsetPart(depth, in_mapping, empty, close[0] if close else None)
    return None


def describe(value: Any) -> str:
    """What a YAML value is, said for a user (`a string (cilium)`)."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value})"
    return "empty (null)" if value is None else f"a {type(value).__name__}"
