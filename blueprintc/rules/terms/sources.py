"""Where the term rules look: raw YAML scalar text, Markdown prose, schema nodes.

Terms are matched in the *source text* of a scalar, not in its parsed value,
so a hit has its real line and column even inside a folded or literal block
(`summary: |` starts on the next line) or a quoted string.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import COMMENT, offset_of
from blueprintc.yamldoc import PathKey, YamlDoc

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# Inline code, link destinations, autolinks, bare URLs, HTML comments.
_NOT_PROSE = re.compile(
    r"(`+)[\s\S]+?\1|\]\([^)\n]*\)|<[A-Za-z][\w+.-]*:[^>\s]*>|https?://[^\s)>\]]+|<!--[\s\S]*?-->"
)
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")


def scalar_span(doc: YamlDoc, path: PathKey) -> tuple[int, int] | None:
    """The character range of the content of the scalar at `path` in its file."""
    if path not in doc.values:
        return None
    text = doc.source.text
    line, column = doc.values[path]
    start = offset_of(text, line, column)
    indent = doc.keys.get(path, (line, column))[1] - 1
    line_end = _line_end(text, start)
    head = text[start : start + 1]
    if head in ("'", '"'):
        return start + 1, _closing_quote(text, start)
    if head in ("|", ">"):
        return line_end, max(line_end, _continuation_end(text, line_end, indent))
    end = max(line_end, _continuation_end(text, line_end, indent))
    comment = COMMENT.search(text, start, end)  # a comment ends a plain scalar
    return start, end if comment is None else comment.start()


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _continuation_end(text: str, line_end: int, indent: int) -> int:
    """End of the lines after `line_end` that are blank or indented deeper than `indent`."""
    end = line_end
    pos = line_end + 1
    while pos < len(text):
        next_end = _line_end(text, pos)
        line = text[pos:next_end]
        stripped = line.lstrip(" ")
        if stripped.strip():
            if len(line) - len(stripped) <= indent:
                break
            end = next_end
        pos = next_end + 1
    return end


def _closing_quote(text: str, start: int) -> int:
    quote, pos = text[start], start + 1
    while True:
        end = text.find(quote, pos)
        if end < 0:
            return len(text)
        if quote == "'" and text.startswith("''", end):
            pos = end + 2
        elif quote == '"' and _escaped(text, end):
            pos = end + 1
        else:
            return end


def _escaped(text: str, offset: int) -> bool:
    """Whether an odd number of backslashes precedes `offset`."""
    first = offset
    while first > 0 and text[first - 1] == "\\":
        first -= 1
    return (offset - first) % 2 == 1


class Skips:
    """Ranges of a Markdown file that are not prose: fenced and inline code, URLs."""

    def __init__(self, text: str) -> None:
        ranges: list[tuple[int, int]] = []
        gap = 0
        fences = list(_FENCE.finditer(text))
        index = 0
        while index < len(fences):
            opening = fences[index]
            marker = opening.group(1)
            index += 1
            closing = None
            while index < len(fences) and closing is None:
                candidate = fences[index].group(1)
                if candidate[0] == marker[0] and len(candidate) >= len(marker):
                    closing = fences[index]
                index += 1
            ranges.extend(m.span() for m in _NOT_PROSE.finditer(text, gap, opening.start()))
            gap = len(text) if closing is None else _line_end(text, closing.end())
            ranges.append((opening.start(), gap))
        ranges.extend(m.span() for m in _NOT_PROSE.finditer(text, gap))
        ranges.sort()
        self.starts = [r[0] for r in ranges]
        self.ends = [r[1] for r in ranges]

    def covers(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def schema_nodes(schema: Any, path: PathKey) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    """Every (sub)schema of a JSON Schema with its document path; not `default`/`enum` data."""
    return iter(_schema_nodes(schema, path, []))


def config_schema_nodes(ctx: BlueprintContext) -> list[tuple[PathKey, dict[str, Any]]]:
    """`schema_nodes` of the Blueprint's `spec.configSchema` (listed once per Blueprint:
    two rules ask)."""
    base: PathKey = ("spec", "configSchema")
    return list(
        ctx.remember(
            "config_schema_nodes", lambda: list(schema_nodes(ctx.blueprint.doc.get(base), base))
        )
    )


def _schema_nodes(
    schema: Any, path: PathKey, out: list[tuple[PathKey, dict[str, Any]]]
) -> list[tuple[PathKey, dict[str, Any]]]:
    """`schema_nodes` into `out`, in the same order (a plain recursion, not nested
    generators that hand each node up through every level)."""
    if not isinstance(schema, dict):
        return out
    out.append((path, schema))
    for key in _SCHEMA_MAPS:
        children = schema.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                _schema_nodes(child, (*path, key, _key(name)), out)
    for key in _SCHEMA_ONE:
        _schema_nodes(schema.get(key), (*path, key), out)
    for key in _SCHEMA_LISTS:
        children = schema.get(key)
        if isinstance(children, list):
            for index, child in enumerate(children):
                _schema_nodes(child, (*path, key, index), out)
    return out


def _key(name: Any) -> str | int:
    return name if isinstance(name, int) else str(name)
