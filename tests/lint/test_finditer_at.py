"""`finditer_at` finds what `finditer` finds, for patterns that start with a literal."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

from blueprintc.canon import default_canon
from blueprintc.rules.naming.scan import Scanner
from blueprintc.rules.naming.text import finditer_at


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_finditer_at_matches_finditer_on_the_naming_patterns() -> None:
    scanner = Scanner(default_canon())
    pieces = [
        *"abcdeghikostuvwxyz019-_.:= \t\n\"'{}$#,]/",
        *scanner.pair_starts,
        *scanner.token_starts,
        "{{ .Values.x }}",
        "${X}",
    ]
    rnd = random.Random(7)
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        for pattern, starts in (
            (scanner.pairs, scanner.pair_starts),
            (scanner.tokens, scanner.token_starts),
        ):
            assert _spans(finditer_at(pattern, text, starts)) == _spans(pattern.finditer(text))


def test_finditer_at_does_not_overlap() -> None:
    pattern = re.compile(r"ab(?:ab)*")
    assert _spans(finditer_at(pattern, "abababxab", ("ab",))) == [(0, 6), (7, 9)]
