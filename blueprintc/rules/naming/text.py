"""Text-scanning helpers shared by the naming, domains and terms families.

Positions come from one line-start table per file text (computed once, then
a bisect per hit); compiled matchers are built once per canon object, so a
lint over many Blueprints compiles each pattern once.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import TypeVar

from blueprintc.canon import Canon
from blueprintc.diagnostics import Location
from blueprintc.rules.context import BlueprintContext
from blueprintc.source import SourceFile

T = TypeVar("T")

YAML_SUFFIXES = (".yaml", ".yml", ".tpl", ".json")
DOC_SUFFIXES = (".md", ".txt")
COMMENT = re.compile(r"(?:^|[ \t])#")  # a YAML (or template) comment start


def per_canon(build: Callable[[Canon], T]) -> Callable[[Canon], T]:
    """Memoise `build(canon)` for as long as that canon object lives.

    Canon is unhashable (it wraps a dict), so the cache is keyed on identity
    and an entry is dropped when its canon is collected (ids are then free to
    be reused, so a stale entry can never be returned).
    """
    cache: dict[int, T] = {}
    refs: dict[int, weakref.ref[Canon]] = {}
    lock = threading.Lock()

    @functools.wraps(build)
    def get(canon: Canon) -> T:
        key = id(canon)
        ref = refs.get(key)
        if ref is not None and ref() is canon:
            return cache[key]
        value = build(canon)
        with lock:
            refs[key] = weakref.ref(canon, lambda _: _forget(key))
            cache[key] = value
        return value

    def _forget(key: int) -> None:
        with lock:
            refs.pop(key, None)
            cache.pop(key, None)

    return get


@functools.lru_cache(maxsize=4096)
def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    find = text.find
    index = find("\n")
    while index != -1:
        starts.append(index + 1)
        index = find("\n", index + 1)
    return tuple(starts)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def offset_of(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based (line, column)."""
    starts = _line_starts(text)
    return starts[min(line, len(starts)) - 1] + column - 1


def location(source: SourceFile, offset: int, json_path: str = "") -> Location:
    line, column = position(source.text, offset)
    return Location(source.rel, line, column, json_path)


def in_comment(text: str, offset: int) -> bool:
    """Whether `offset` sits after a `#` comment start on its line (YAML and templates)."""
    return COMMENT.search(line_before(text, offset)) is not None


def yaml_files(ctx: BlueprintContext) -> list[SourceFile]:
    """The Blueprint's YAML-like files: blueprint.yaml, chart, overlays, manifests."""
    return [f for f in ctx.text_files if f.rel.endswith(YAML_SUFFIXES)]


def is_doc(source: SourceFile) -> bool:
    return source.rel.endswith(DOC_SUFFIXES)


def finditer_at(
    pattern: re.Pattern[str], text: str, prefixes: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that matches only where one of `prefixes`
    starts and never matches empty: tried only there (found by `str.find`, far faster
    than the regex engine trying every offset), leftmost first, without overlaps."""
    starts: set[int] = set()
    for prefix in prefixes:
        at = text.find(prefix)
        while at != -1:
            starts.add(at)
            at = text.find(prefix, at + 1)
    end = 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(text, start)) is not None:
            yield match
            end = match.end()


def glued(text: str, start: int, extra: str = "") -> bool:
    """Whether the character before `start` is a word character (or one of `extra`):
    the match there is the tail of a longer name, not a name of its own."""
    if start == 0:
        return False
    before = text[start - 1]
    return before.isalnum() or before == "_" or before in extra


def line_before(text: str, offset: int) -> str:
    """The text of the line of `offset`, up to `offset`."""
    starts = _line_starts(text)
    return text[starts[bisect.bisect_right(starts, offset) - 1] : offset]
