"""Helm's refusal of a render's values by a chart's `values.schema.json`, taken apart.

Helm validates the values against every chart's schema before it renders, and refuses
with one message for the lot, every refused value of every chart in a tree:

    values don't meet the specifications of the schema(s) in the following chart(s):
    cloudnative-pg:
    - at '/image': validation failed
      - at '/image/tag': got number, want string
    - at '/mode': 'oneOf' failed, none matched
      - at '/mode': got string, want integer
      - at '/mode': value must be one of 'a', 'b'

It names no file. Each refused value is a fix of its own, at its own line: lint finds it
in the chart's values files, compile in the layers of the release's values (a Sovereign's
kit entry, an Application's config). A `validation failed` or `'allOf' failed` entry
only groups the values below it, each refused on its own; the entries below a `oneOf`
or `anyOf` are the alternatives the value matched none of, so the value itself is the
one refused, with what each alternative wanted (`refusals`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from blueprintc.diagnostics import one_line
from blueprintc.yamldoc import PathKey, json_path

REFUSED = "values don't meet the specifications of the schema(s) in the following chart(s)"
# Each entry of Helm's list, on one line: `[<chart>:] - at '<JSON pointer>': <what>`; a
# chart's name comes before its first entry.
_ENTRY = re.compile(r"(?:(?P<chart>[\w.-]+): )?- at '(?P<pointer>.*?)': ")
# Entries that only group the refused values below them, and those whose entries below
# are the alternatives the value matched none of.
_GROUPS = ("validation failed", "'allOf' failed")
_ALTERNATIVES = ("'oneOf' failed", "'anyOf' failed")


@dataclass(frozen=True)
class Refusal:
    chart: str  # the chart whose schema refused: its name, or its alias as a subchart
    pointer: str  # JSON pointer of the value, in that chart's own values
    why: str  # `got string, want integer`

    @property
    def message(self) -> str:
        """Helm's message for this refused value alone."""
        return f"{REFUSED}: {self.chart}: - at '{self.pointer}': {self.why}"


def refusals(message: str) -> tuple[Refusal, ...]:
    """Every value Helm's schema check refused in `message` (on its lines or on one),
    each once, by chart and pointer (Helm lists them in Go's map order, which changes
    from run to run); () for another error."""
    text = one_line(message)
    if REFUSED not in text:
        return ()
    entries = _entries(text.split(REFUSED, 1)[1])
    found: list[Refusal] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        below = index + 1
        while below < len(entries) and _within(entries[below], entry):
            below += 1
        if entry.why.startswith(_ALTERNATIVES):  # the value itself: what each wanted, said
            found.append(_with_alternatives(entry, entries[index + 1 : below]))
            index = below
            continue
        if entry.why not in _GROUPS or below == index + 1:
            found.append(entry)
        index += 1
    return tuple(sorted(set(found), key=lambda r: (r.chart, r.pointer, r.why)))


def _with_alternatives(entry: Refusal, below: list[Refusal]) -> Refusal:
    """A oneOf/anyOf refusal, its `why` naming what each alternative wanted of the value
    itself (`'anyOf' failed (got number, want boolean; got number, want string)`)."""
    wanted = sorted({e.why for e in below if e.pointer == entry.pointer and e.why not in _GROUPS})
    return Refusal(
        entry.chart, entry.pointer, f"{entry.why} ({'; '.join(wanted)})" if wanted else entry.why
    )


def unusable_schema(message: str) -> tuple[str, str] | None:
    """The chart whose values.schema.json Helm could not use, and why (`bp-x: unexpected
    EOF`: not JSON; a `$ref` it cannot resolve), where `message` is Helm's schema
    failure with no value listed; None for another error."""
    text = one_line(message)
    if REFUSED not in text or refusals(text):
        return None
    match = _UNUSABLE.match(text.split(REFUSED, 1)[1])
    return (match.group("chart"), match.group("why")) if match else None


_UNUSABLE = re.compile(r":\s*(?P<chart>[\w.-]+): (?P<why>.+)$")


def refusals_message(refused: tuple[Refusal, ...] | list[Refusal]) -> str:
    """Helm's message for `refused` alone, chart by chart, on one line."""
    parts = [REFUSED + ":"]
    chart = None
    for entry in refused:
        if entry.chart != chart:
            parts.append(f"{entry.chart}:")
            chart = entry.chart
        parts.append(f"- at '{entry.pointer}': {entry.why}")
    return " ".join(parts)


def _entries(listing: str) -> list[Refusal]:
    matches = list(_ENTRY.finditer(listing))
    entries: list[Refusal] = []
    chart = ""
    ends = [after.start() for after in matches[1:]] + [len(listing)] if matches else []
    for match, end in zip(matches, ends, strict=True):
        chart = match.group("chart") or chart
        entries.append(Refusal(chart, match.group("pointer"), listing[match.end() : end].strip()))
    return entries


def _within(entry: Refusal, above: Refusal) -> bool:
    """`entry` is of the same chart, at `above`'s value or below it."""
    return entry.chart == above.chart and (
        entry.pointer == above.pointer or entry.pointer.startswith(above.pointer + "/")
    )


def value_prefixes(prefix: PathKey, pointer: str) -> tuple[PathKey, ...]:
    """Where in its parent's values a chart's value at `pointer` may be set, `prefix`
    the subchart's key there: below it, and for a subchart's `global` values first at
    the parent's own `global`, which Helm copies into every subchart over its own."""
    if prefix and (pointer == "/global" or pointer.startswith("/global/")):
        return ((), prefix)
    return (prefix,)


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


def unknown_properties(why: str) -> tuple[str, ...]:
    """The keys a refusal says are not allowed (`additional properties 'a' not allowed`:
    the mapping at its pointer has keys its schema's `additionalProperties: false`
    forbids, a misspelt key most often); () for another refusal."""
    match = _UNKNOWN.match(why)
    return tuple(_QUOTED.findall(match.group("names"))) if match else ()


def unknown_key_hint(path: PathKey, chart: str, known: tuple[str, ...]) -> str:
    """The fix for the key at `path` that `chart`'s schema does not allow, `known` the
    keys it allows there (for the closest name)."""
    close = difflib.get_close_matches(str(path[-1]), known, 1)
    meant = f" (did you mean {json_path((*path[:-1], close[0]))}?)" if close else ""
    where = json_path(path[:-1]) if path[:-1] else "the top level"
    return (
        f"remove {json_path(path)}, or correct its name{meant}: {chart}'s values.schema.json "
        f"allows no other keys at {where}"
    )


def schema_properties(schema: Any, parts: PathKey) -> tuple[str, ...]:
    """The keys `schema` (a chart's values.schema.json) names for the mapping at `parts`."""
    properties = _get(_node_at(schema, parts), "properties")
    return tuple(str(name) for name in properties) if isinstance(properties, dict) else ()


_MISSING = re.compile(r"missing propert(?:y|ies) (?P<names>'.*')$")
_UNKNOWN = re.compile(r"additional propert(?:y|ies) (?P<names>'.*') not allowed$")
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
    properties = _get(_node_at(schema, parts), "properties")
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


def _node_at(schema: Any, parts: PathKey) -> Any:
    """The subschema of `schema` for the value at `parts`, through `properties`, `items`
    and local `$ref`s; None where the schema does not say directly."""
    node = _followed(schema, schema)
    for part in parts:
        if not isinstance(node, dict):
            return None
        below = node.get("items") if isinstance(part, int) else _get(node.get("properties"), part)
        node = _followed(schema, below)
    return node


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
