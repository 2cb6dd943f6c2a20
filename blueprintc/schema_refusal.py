"""Helm's refusal of a render's values by a chart's `values.schema.json`, taken apart.

Helm validates the values against every chart's schema before it renders, and refuses
with one message for the lot: `values don't meet the specifications of the schema(s) in
the following chart(s): cloudnative-pg: - at '/replicaCount': got string, want integer`.
It names no file. The first value it names is where the fix goes: lint finds it in the
chart's values files, compile in the layers of the release's values (a Sovereign's
kit entry, an Application's config).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

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


def missing_properties(why: str) -> tuple[str, ...]:
    """The properties a refusal says are missing (`missing properties 'a', 'b'`: the
    mapping at its pointer lacks required keys); () for another refusal."""
    match = _MISSING.match(why)
    return tuple(_QUOTED.findall(match.group("names"))) if match else ()


_MISSING = re.compile(r"missing propert(?:y|ies) (?P<names>'.*')$")
_QUOTED = re.compile(r"'([^']*)'")


def fix_hint(
    path: PathKey,
    chart: str,
    why: str,
    choices: dict[str, str] | None = None,
    file: str | None = None,
) -> str:
    """The fix, for the value at `path` (where the platform's file sets it). For missing
    properties, `path` is the mapping that lacks them, `choices` says what each may be
    (`one of: a, b`) where the schema tells, and `file` is where to add them when the
    finding stands elsewhere."""
    missing = missing_properties(why)
    if not missing:
        return f"give {json_path(path)} a value {chart}'s values.schema.json accepts ({why})"
    described = [
        json_path((*path, name)) + (f" ({choices[name]})" if choices and name in choices else "")
        for name in missing
    ]
    them = "it" if len(missing) == 1 else "them"
    where = f" in {file}" if file else ""
    return f"set {', '.join(described)}{where}: {chart}'s values.schema.json requires {them}"


def property_choices(schema: Any, parts: PathKey, names: tuple[str, ...]) -> dict[str, str]:
    """What each of `names` may be, by `schema` (a chart's values.schema.json) for the
    mapping at `parts`: its `enum`, else its `type`. A property the schema describes
    only behind a combinator or a remote `$ref` is left out."""
    node = _followed(schema, schema)
    for part in parts:
        if not isinstance(node, dict):
            return {}
        below = node.get("items") if isinstance(part, int) else _get(node.get("properties"), part)
        node = _followed(schema, below)
    properties = node.get("properties") if isinstance(node, dict) else None
    choices = {}
    for name in names:
        choice = value_choice(schema, _get(properties, name))
        if choice is not None:
            choices[name] = choice
    return choices


def value_choice(root: Any, described: Any) -> str | None:
    """What a value `described` (a subschema of `root`) may be: `one of: a, b` by its
    `enum`, else `a string` by its `type`; None when it says neither directly."""
    described = _followed(root, described)
    if not isinstance(described, dict):
        return None
    enum, kind = described.get("enum"), described.get("type")
    if isinstance(enum, list) and enum:
        return "one of: " + ", ".join(json.dumps(v).strip('"') for v in enum)
    if isinstance(kind, str):
        return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
    return None


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _followed(root: Any, node: Any) -> Any:
    """`node`, through its local `$ref`s (`#/definitions/x`), at most 16 deep."""
    for _ in range(16):
        ref = _get(node, "$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return node
        node = root
        for raw in ref[2:].split("/") if len(ref) > 1 else []:
            node = _get(node, raw.replace("~1", "/").replace("~0", "~"))
    return node
