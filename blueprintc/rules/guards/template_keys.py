"""Where a field of a rendered object is written in its template: the line of
`spec.replica` in `templates/deployment.yaml`, not the object's `kind:` line.

A template is not YAML until Helm renders it, so it is read as its lines: each line
that holds a key (`  name: {{ .Values.x }}`, `- containerPort: 80`) or a list item
counts, at its indentation; a line that is only template directives or a comment does
not. A field's key is looked for among the children of its parent's key, the keys of
least indentation below it (a list item's first key stands on its dash line). A list
whose template ends in one item with only `range`, `if` or `with` around it renders
every item past the ones written before it from that one: the sixth env var a `range`
writes is at the range's `- name:`. The walk stops at the first part of the path the
template does not write itself (a key that a helper or `toYaml` renders, an item of a
list whose items a directive may write, a key a required field lacks): the place is then
that of the deepest key it found, which is where the fix goes in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from blueprintc.helm import DOCUMENT_SEPARATOR

# A line's list dashes (`- - `), then maybe a key, plain or quoted, and its colon.
_DASHES = re.compile(r"^(?P<indent>[ ]*)(?P<dashes>(?:-(?:[ ]+|$))*)")
_KEY = re.compile(
    r"""(?P<key>"[^"{}]*"|'[^'{}]*'|[^\s"'{}#:\-\[][^\s{}#:]*(?::[^\s{}#:]+)*)[ ]*:(?:[ ]|$)"""
)
# A block scalar's indicator ends the line: what follows, more indented, is its text.
_BLOCK_SCALAR = re.compile(r"(?<![^ ])[|>][0-9+-]*[ ]*(?:#.*)?$")
# A line of actions that write nothing: control (`range`, `if`, `with`, `else`, `end`),
# comments and variables.
_CONTROL = re.compile(
    r"(?:\{\{-?\s*(?:(?:range|if|else|with|end|break|continue)\b[^{}]*"
    r"|/\*.*?\*/|\$\w+\s*:?=[^{}]*)\s*-?\}\}\s*)+"
)

_INDENT = re.compile(r"\bn?indent\s+(\d+)")

PathPart = str | int


@dataclass(frozen=True)
class _Entry:
    """A line's key or list item: its 0-based line index, column, and what it is."""

    index: int
    column: int  # 0-based
    key: str | None  # None: a list item's dash


def document_bounds(lines: Sequence[str], line_index: int) -> tuple[int, int]:
    """The 0-based line range of the YAML document holding `line_index` (between `---`)."""
    first = line_index
    while first > 0 and not DOCUMENT_SEPARATOR.match(lines[first - 1]):
        first -= 1
    last = line_index + 1
    while last < len(lines) and not DOCUMENT_SEPARATOR.match(lines[last]):
        last += 1
    return first, last


def path_parts(body: Any, path: str) -> tuple[PathPart, ...] | None:
    """`spec.template.spec.containers[0].name` as the keys and indexes of `body` it
    names. A key may hold dots (`app.kubernetes.io/name`), so each part is matched
    against the keys the object has; None when the path does not lead through it."""
    parts: list[PathPart] = []
    rest = path
    node = body
    while rest:
        if rest.startswith("["):
            close = rest.find("]")
            if close < 0 or not rest[1:close].isdigit() or not isinstance(node, list):
                return None
            index = int(rest[1:close])
            if index >= len(node):
                return None
            parts.append(index)
            node, rest = node[index], rest[close + 1 :]
        else:
            rest = rest.removeprefix(".") if parts else rest
            if not isinstance(node, dict):
                return None
            key = _longest_key(node, rest)
            if key is None:
                # The last part may name a key the object lacks (a required field).
                return (*parts, rest) if _is_last_key(rest) else None
            parts.append(key)
            node, rest = node[key], rest[len(key) :]
    return tuple(parts)


def _longest_key(node: dict[Any, Any], rest: str) -> str | None:
    found = None
    for key in node:
        if isinstance(key, str) and rest.startswith(key):
            after = rest[len(key) : len(key) + 1]
            if after in ("", ".", "[") and (found is None or len(key) > len(found)):
                found = key
    return found


def _is_last_key(rest: str) -> bool:
    return "." not in rest and "[" not in rest


def key_position(
    lines: Sequence[str], first: int, last: int, parts: Sequence[PathPart]
) -> tuple[int, int] | None:
    """The 1-based line and column of the deepest part of `parts` the template writes
    in its lines `first` to `last` (a document); None when it writes not even the first.

    A list item is counted among the dashes only when no template directive stands
    between the list's key and it: a `range`, an `if` or an `include` there may write
    items of its own, and the place would be another item's."""
    return _walk(lines, first, last, parts)[0]


def writes_whole_path(
    lines: Sequence[str], first: int, last: int, parts: Sequence[PathPart]
) -> bool:
    """Whether the template writes every part of `parts` itself (its last key too)."""
    return _walk(lines, first, last, parts)[1] == len(parts)


def _walk(
    lines: Sequence[str], first: int, last: int, parts: Sequence[PathPart]
) -> tuple[tuple[int, int] | None, int]:
    """The place of the deepest part written, and how many parts are."""
    entries, directives = _entries(lines, first, last)
    found: tuple[int, int] | None = None
    depth = 0
    scope = entries
    owner = first - 1  # the line of the key whose value `scope` is
    for part in parts:
        children = _children(scope)
        if isinstance(part, int):
            items = [entry for entry in children if entry.key is None]
            found_item = _item(part, items, lines, directives, owner, entries, scope)
            if found_item is None:
                break
            item = found_item
            following = items[part + 1] if part + 1 < len(items) else None
            scope = _below(scope, item, until=following)
        else:
            matches = [entry for entry in children if entry.key == part]
            if not matches:
                break
            item = matches[0]
            scope = _block(scope, item)
        found = (item.index + 1, item.column + 1)
        owner = item.index
        depth += 1
    return found, depth


def _item(
    part: int,
    items: list[_Entry],
    lines: Sequence[str],
    directives: list[int],
    owner: int,
    entries: list[_Entry],
    block: list[_Entry],
) -> _Entry | None:
    """The template's item that wrote the list's rendered item `part`, or None when the
    template does not tell: the items before any directive are written as they stand
    (the i-th renders the i-th); a last item after them, with only directives that
    steer (a `range`, an `if`) around it, writes every rendered item after them."""
    if not items:
        return None
    first = min((d for d in directives if owner < d < items[-1].index), default=None)
    literal = [item for item in items if first is None or item.index < first]
    if part < len(literal):
        return literal[part]
    last = items[-1]
    if len(items) == len(literal) + 1 and _only_control(
        lines, directives, owner, entries, block, last
    ):
        return last
    return None


def _only_control(
    lines: Sequence[str],
    directives: list[int],
    owner: int,
    entries: list[_Entry],
    block: list[_Entry],
    item: _Entry,
) -> bool:
    """Whether the directives in the list block below line `owner` (to the next entry
    outside it) write no items of their own: they steer which items render (`range`,
    `if`, `with`, `end`, a comment or a variable), or write inside the one `item` (more
    indented than its dash, with no `indent` back to it). Then every item rendered comes
    from the template's one item."""
    after = [entry.index for entry in entries if entry.index > block[-1].index]
    end = after[0] if after else len(lines)
    return all(
        _CONTROL.fullmatch(lines[d].strip()) or _inside(lines[d], item.column)
        for d in directives
        if owner < d < end
    )


def _inside(line: str, column: int) -> bool:
    """A directive that writes into a list item at `column`, not items beside it."""
    if len(line) - len(line.lstrip(" ")) <= column:
        return False
    return all(int(width) > column for width in _INDENT.findall(line))


def _entries(lines: Sequence[str], first: int, last: int) -> tuple[list[_Entry], list[int]]:
    """The keys and list items of lines `first` to `last`, and the lines that are only
    template directives (which may write items the lines do not show)."""
    entries: list[_Entry] = []
    directives = []
    text_above: int | None = None  # a block scalar's column: its text is more indented
    for index in range(first, last):
        line = lines[index]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if text_above is not None and (not stripped or indent > text_above):
            continue
        text_above = None
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("{{"):
            directives.append(index)
            continue
        match = _DASHES.match(line)
        assert match is not None  # it matches the empty string
        dashes = match["dashes"]
        for dash in re.finditer(r"-(?:[ ]+|$)", dashes):  # `- - key:`: an item in an item
            entries.append(_Entry(index, indent + dash.start(), None))
        column = indent + len(dashes)
        key = _KEY.match(line, column)
        if key is not None:
            entries.append(_Entry(index, column, _unquoted(key["key"])))
        if entries and entries[-1].index == index and _BLOCK_SCALAR.search(line, column):
            text_above = entries[-1].column
    return entries, directives


def _unquoted(key: str) -> str:
    return key[1:-1] if key[:1] in ("'", '"') else key


def _children(scope: list[_Entry]) -> list[_Entry]:
    """The entries of least column in `scope`: a block's direct keys or items."""
    if not scope:
        return []
    column = min(entry.column for entry in scope)
    return [entry for entry in scope if entry.column == column]


def _block(scope: list[_Entry], key: _Entry) -> list[_Entry]:
    """The entries of `key`'s value: those after it, more indented, or items at its own
    column (YAML lets a list under a key start at the key's indentation)."""
    block = []
    for entry in scope[scope.index(key) + 1 :]:
        if entry.column > key.column or (entry.column == key.column and entry.key is None):
            block.append(entry)
        else:
            break
    return block


def _below(scope: list[_Entry], item: _Entry, until: _Entry | None) -> list[_Entry]:
    """The entries of a list item: from its dash to the next item at its column."""
    start = scope.index(item) + 1
    end = scope.index(until) if until is not None else len(scope)
    return [entry for entry in scope[start:end] if entry.column > item.column]
