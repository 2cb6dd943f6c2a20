"""Helm's refusal of a render's values by a chart's `values.schema.json`, taken apart.

Helm validates the values against every chart's schema before it renders, and refuses
with one message for the lot: `values don't meet the specifications of the schema(s) in
the following chart(s): cloudnative-pg: - at '/replicaCount': got string, want integer`.
It names no file. The first value it names is where the fix goes: lint finds it in the
chart's values files, compile in the layers of the release's values (a Sovereign's
kit entry, an Application's config).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blueprintc.yamldoc import PathKey, json_path

_REFUSED = "values don't meet the specifications of the schema(s)"
# `<chart>: - at '<JSON pointer>': <what is wrong>`, the first of Helm's list.
_VIOLATION = re.compile(r"(?P<chart>[\w.-]+): - at '(?P<pointer>[^']*)': (?P<why>.+?)(?= - |$)")


@dataclass(frozen=True)
class Refusal:
    chart: str  # the chart whose schema refused: its name, or its alias as a subchart
    pointer: str  # JSON pointer of the value, in that chart's own values
    why: str  # `got string, want integer`


def refusal(message: str) -> Refusal | None:
    """The first value Helm's schema check refused in `message`; None for another error."""
    if _REFUSED not in message:
        return None
    match = _VIOLATION.search(message.split(_REFUSED, 1)[1])
    if match is None:
        return None
    return Refusal(match.group("chart"), match.group("pointer"), match.group("why"))


def pointer_parts(node: object, pointer: str) -> PathKey:
    """A JSON pointer's parts (`/a/0/b~1c`) below `node`, a number an index where the
    value there is a list."""
    parts: list[str | int] = []
    for raw in pointer.split("/")[1:]:
        text = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and text.isdigit():
            parts.append(int(text))
            node = node[int(text)] if int(text) < len(node) else None
        else:
            parts.append(text)
            node = node.get(text) if isinstance(node, dict) else None
    return tuple(parts)


def fix_hint(path: PathKey, chart: str, why: str) -> str:
    """The fix, for the value at `path` (where the platform's file sets it)."""
    return f"give {json_path(path)} a value {chart}'s values.schema.json accepts ({why})"
