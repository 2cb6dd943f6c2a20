"""blueprintc.lock's text: one canonical JSON form, read fast, located on demand.

The lock grows with the workspace (at N = 1,000 Organizations it holds 10,000
entries, each with its Application config: 100,000 YAML lines, 2.7 MB), and every
compile reads it. PyYAML's C loader took 2.0 s for that and the located YAML loader
refuses it (past its 100,000-node guard); `json.loads` takes milliseconds. So the
lock is JSON, written in one form (two-space indent, keys in a fixed order, config
keys sorted), which is also what a review diffs. Positions (for a finding at an
entry's line) are found only when one is asked for: for the canonical form by one
pass over its lines; for a hand-formatted file by the located YAML loader (JSON is
YAML), which gives (1, 1) when it refuses the file.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from blueprintc.source import InputError, SourceFile
from blueprintc.yamldoc import PathKey, YamlDoc, load_yaml

_DECODER = json.JSONDecoder()


@functools.cache
def _outdented(depth: int) -> re.Pattern[str]:
    """A line indented less than a key at `depth`: the end of its parent's lines."""
    return re.compile("\n {0," + str(2 * depth - 1) + "}[^ ]")


def dumps(data: Any) -> str:
    """The canonical text of `data` (mappings in the order given)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class LockDoc(YamlDoc):
    """A YamlDoc whose positions are worked out at the first `locate`."""

    def locate(self, path: PathKey, key: bool = False) -> tuple[int, int]:
        if not self.values:
            found = None if key else self._entry_position(path)
            if found is not None:
                return found
            self._index()
        return super().locate(path, key)

    def _entry_position(self, path: PathKey) -> tuple[int, int] | None:
        """The position of a path of mapping keys, found by searching the canonical text
        for each key's line within its parent's lines: what compile's findings and the
        promotion plan ask for, without indexing 100,000 lines. None for a list index,
        a missing key, or a text that is not canonical."""
        if not path or not all(isinstance(name, str) for name in path):
            return None
        text = self.source.text
        if not text.startswith("{\n"):
            return None
        at = 0
        for depth, name in enumerate(path, start=1):
            probe = "\n" + "  " * depth + json.dumps(name, ensure_ascii=False) + ": "
            found = text.find(probe, at)
            if found < 0 or _outdented(depth).search(text, at + 1, found + 1):
                return None  # not under this parent
            at = found + 1
        line = text.count("\n", 0, at) + 1
        column = 2 * len(path) + len(json.dumps(path[-1], ensure_ascii=False)) + 3
        return line, column

    def _index(self) -> None:
        positions = _positions(self.source.text)
        if positions is not None:
            self.values, self.keys = positions
            return
        try:
            located = load_yaml(self.source)
        except InputError:
            self.values = {(): (1, 1)}
            return
        self.values, self.keys = located.values, located.keys


def parse(source: SourceFile) -> LockDoc:
    """The lock's data (a JSON syntax error is an InputError at its line)."""
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "BPI001",
            f"{source.rel} is not valid JSON: {exc.msg}",
            source.rel,
            exc.lineno,
            exc.colno,
            hint="restore it from Git (`git checkout -- blueprintc.lock`); it is generated",
        ) from None
    return LockDoc(source, data)


def _positions(
    text: str,
) -> tuple[dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]] | None:
    """Value and key positions of every path of text in `dumps`'s form (one key or
    item per line, containers opened at the end of a line); None for any other form."""
    values: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    keys: dict[PathKey, tuple[int, int]] = {}
    stack: list[tuple[PathKey, list[int] | None]] = []  # (path, list counter)
    lines = text.splitlines()
    if not lines or lines[0] != "{":
        return None
    for number, line in enumerate(lines, start=1):
        content = line.lstrip(" ")
        column = len(line) - len(content) + 1
        if content.rstrip(",") in ("}", "]"):
            if not stack:
                return None
            stack.pop()
            continue
        if not stack:
            if number != 1:
                return None
            stack.append(((), None))
            continue
        parent, counter = stack[-1]
        try:
            if counter is None:
                name, end = _DECODER.raw_decode(content)
                if not isinstance(name, str) or content[end : end + 2] != ": ":
                    return None
                path: PathKey = (*parent, name)
                keys[path] = (number, column)
                rest, at = content[end + 2 :], column + end + 2
            else:
                path = (*parent, counter[0])
                counter[0] += 1
                rest, at = content, column
            values[path] = (number, at)
            opened = rest.rstrip(",")
            if opened in ("{", "["):
                stack.append((path, [0] if opened == "[" else None))
                continue
            _, end = _DECODER.raw_decode(rest)
        except ValueError:
            return None
        if rest[end:] not in ("", ","):
            return None
    return (values, keys) if not stack else None
