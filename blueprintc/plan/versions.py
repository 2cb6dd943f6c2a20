"""SemVer versions and ranges as Helm charts and npm packages write them.

A range is one or more comparator sets joined by `||` (OR); inside a set,
comparators joined by spaces or commas must all hold (AND). Each comparator
desugars to plain `<`, `<=`, `>`, `>=`, `=` bounds, following npm (Helm's
Masterminds/semver agrees on every form below):

    1.2.3            =1.2.3                 (build metadata is ignored)
    1.2, 1.2.x, =1.2 >=1.2.0 <1.3.0-0
    1, 1.x, 1.*      >=1.0.0 <2.0.0-0
    *, x, ""         any release
    ^1.4             >=1.4.0 <2.0.0-0        ^0.3 >=0.3.0 <0.4.0-0
    ^0.0.3           >=0.0.3 <0.0.4-0        ^0.0 >=0.0.0 <0.1.0-0
    ~1.2.3, ~>1.2.3  >=1.2.3 <1.3.0-0        ~1   >=1.0.0 <2.0.0-0
    >1.2             >=1.3.0                 <=1.2 <1.3.0-0   <1.2 <1.2.0-0
    1.2 - 1.5        >=1.2.0 <1.6.0-0        1.2.3 - 1.5.0 >=1.2.3 <=1.5.0
    !=1.4.1          any version but 1.4.1 (Helm's, not npm's; full versions only)

`-0` is the lowest prerelease, so `<2.0.0-0` also keeps out 2.0.0's prereleases.

Prereleases (npm's rule): a version with a prerelease tag, such as
`1.3.0-rc.1`, satisfies a comparator set only if some comparator in that set
was *written* with a prerelease on the same MAJOR.MINOR.PATCH
(`>=1.3.0-rc.0`, `^1.3.0-beta`). So `^1.2` never picks `1.3.0-rc.1`, and
`^1.3.0-beta` takes `1.3.0-rc.1` but not `1.4.0-rc.1`: opting into one
prerelease line does not opt into all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import semver

Version = semver.Version
Comparator = tuple[str, Version]
MAX_RANGE_LENGTH = 256

_NUM = r"0|[1-9]\d*"
_PART = rf"{_NUM}|[xX*]"
_IDENT = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_PARTIAL = re.compile(
    rf"[vV]?(?P<major>{_PART})(?:\.(?P<minor>{_PART})(?:\.(?P<patch>{_PART}))?)?"
    rf"(?:-(?P<pre>{_IDENT}))?(?:\+(?P<build>{_IDENT}))?"
)
_OPERATOR = re.compile(r"~>|~|\^|>=|<=|!=|>|<|=")
_WORD = re.compile(r"[^\s,]+")
_EXPECTED = (
    "expected a version such as 1.4.2, 1.4 or 1.x, optionally after one of "
    "= != > >= < <= ^ ~ (e.g. ^1.4, ~1.2, >=1.0 <2)"
)


class VersionError(ValueError):
    """A text that is not a SemVer version."""


class RangeError(ValueError):
    """A range that does not parse; `column` is 1-based within the range text."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def parse_version(text: str | Version) -> Version:
    """MAJOR.MINOR.PATCH[-prerelease][+build], with an optional leading `v` as Helm allows."""
    if isinstance(text, Version):
        return text
    if not isinstance(text, str):
        raise VersionError(f"{text!r} is not a version string")
    body = text.strip()
    body = body[1:] if body[:1] in ("v", "V") else body
    try:
        return Version.parse(body)
    except (ValueError, TypeError):
        raise VersionError(
            f"{text!r} is not a SemVer version: expected MAJOR.MINOR.PATCH such as 1.4.2, "
            "optionally followed by -prerelease and +build"
        ) from None


def next_patch(version: str | Version) -> str:
    """The next patch release of `version` (`1.4.2-rc.1+x` -> `1.4.3`); raises
    VersionError for no SemVer version."""
    parsed = parse_version(version)
    return f"{parsed.major}.{parsed.minor}.{parsed.patch + 1}"


@dataclass(frozen=True)
class _Partial:
    major: int | None  # None: wildcard (and then minor and patch are None too)
    minor: int | None
    patch: int | None
    pre: str | None

    @property
    def full(self) -> bool:
        return self.patch is not None

    def low(self) -> Version:
        return Version(self.major or 0, self.minor or 0, self.patch or 0, self.pre)

    def next_x(self) -> Version:
        """The first version past this x-range (`1.2` -> 1.3.0-0, `1` -> 2.0.0-0)."""
        assert self.major is not None
        if self.minor is None:
            return Version(self.major + 1, 0, 0, "0")
        return Version(self.major, self.minor + 1, 0, "0")

    def next_caret(self) -> Version:
        """The first version past `^this`: bump the leftmost non-zero part that was written."""
        assert self.major is not None
        if self.minor is None or self.major > 0:
            return Version(self.major + 1, 0, 0, "0")
        if self.patch is None or self.minor > 0:
            return Version(0, self.minor + 1, 0, "0")
        return Version(0, 0, self.patch + 1, "0")


@dataclass(frozen=True)
class ComparatorSet:
    """Comparators that must all hold, and the release tuples whose prereleases may match."""

    comparators: tuple[Comparator, ...]
    prerelease_ok: frozenset[tuple[int, int, int]]

    def contains(self, version: Version) -> bool:
        if version.prerelease and version.to_tuple()[:3] not in self.prerelease_ok:
            return False
        return all(_holds(version, op, bound) for op, bound in self.comparators)

    def __str__(self) -> str:
        if not self.comparators:
            return "*"
        return " ".join(f"{'' if op == '=' else op}{bound}" for op, bound in self.comparators)


@dataclass(frozen=True)
class VersionRange:
    text: str
    sets: tuple[ComparatorSet, ...]

    def contains(self, version: str | Version) -> bool:
        parsed = parse_version(version)
        return any(s.contains(parsed) for s in self.sets)

    def __str__(self) -> str:
        """The desugared form: `^1.4` -> `>=1.4.0 <2.0.0-0`; it parses back to the same range."""
        return " || ".join(str(s) for s in self.sets)


def _holds(version: Version, op: str, bound: Version) -> bool:
    if op == "<":
        return version < bound
    if op == "<=":
        return version <= bound
    if op == ">":
        return version > bound
    if op == ">=":
        return version >= bound
    if op == "!=":
        return version != bound
    return version == bound


def best_match(range_: VersionRange | str, versions: Iterable[str]) -> str | None:
    """The highest of `versions` inside the range; texts that are not versions are skipped."""
    parsed_range = parse_range(range_) if isinstance(range_, str) else range_
    best: tuple[Version, str] | None = None
    for text in versions:
        try:
            version = parse_version(text)
        except VersionError:
            continue
        if not parsed_range.contains(version):
            continue
        # Versions equal but for build metadata tie; the text decides, so input order cannot.
        if best is None or (version, text) > best:
            best = (version, text)
    return best[1] if best else None


def parse_range(text: str) -> VersionRange:
    if not isinstance(text, str):
        raise RangeError(f"a version range must be a string, not {type(text).__name__}")
    if len(text) > MAX_RANGE_LENGTH:
        raise RangeError(f"version range is longer than {MAX_RANGE_LENGTH} characters")
    sets = []
    offset = 0
    for part in text.split("||"):
        if not part.strip() and "||" in text:
            raise RangeError(
                f"bad version range {text!r}: empty alternative around '||' at column {offset + 1}",
                offset + 1,
            )
        sets.append(_parse_set(text, part, offset))
        offset += len(part) + 2
    return VersionRange(text, tuple(sets))


def _parse_set(text: str, part: str, offset: int) -> ComparatorSet:
    words = [(m.group(), offset + m.start() + 1) for m in _WORD.finditer(part)]
    comparators: list[Comparator] = []
    prerelease_ok: set[tuple[int, int, int]] = set()
    i = 0
    while i < len(words):
        word, column = words[i]
        match = _OPERATOR.match(word)
        op = match.group() if match else ""
        rest = word[len(op) :]
        if op and not rest:  # `>= 1.2`: the version is the next word
            if i + 1 == len(words) or words[i + 1][0] == "-":
                raise _error(text, word, column, f"operator {op!r} needs a version after it")
            i += 1
            rest = words[i][0]
            word = f"{op} {rest}"
        if i + 1 < len(words) and words[i + 1][0] == "-":  # hyphen range `1.2 - 1.5`
            if op or i + 2 == len(words):
                raise _error(
                    text,
                    word,
                    column,
                    "a hyphen range needs a plain version on each side of ' - ', e.g. 1.2 - 1.5",
                )
            low, (high_word, high_column) = _partial(text, rest, column), words[i + 2]
            high = _partial(text, high_word, high_column)
            comparators += _hyphen(low, high)
            prerelease_ok |= {_tuple(p) for p in (low, high) if p.pre}
            i += 3
            continue
        partial = _partial(text, rest, column, shown=word)
        comparators += _expand(text, op, partial, word, column)
        if partial.pre:
            prerelease_ok.add(_tuple(partial))
        i += 1
    return ComparatorSet(tuple(comparators), frozenset(prerelease_ok))


def _tuple(p: _Partial) -> tuple[int, int, int]:
    return (p.major or 0, p.minor or 0, p.patch or 0)


def _partial(text: str, word: str, column: int, shown: str | None = None) -> _Partial:
    """Parse the version part of a comparator; errors quote `shown` (the whole comparator)."""
    match = _PARTIAL.fullmatch(word)
    if not match:
        raise _error(text, shown or word, column, _hint(word))
    word = shown or word
    parts: list[int | None] = []
    for name in ("major", "minor", "patch"):
        value = match.group(name)
        number = None if value is None or value in "xX*" else int(value)
        if number is not None and parts and parts[-1] is None:
            raise _error(text, word, column, "a number cannot follow a wildcard or missing part")
        parts.append(number)
    pre = match.group("pre")
    if pre and parts[2] is None:
        raise _error(text, word, column, "a prerelease needs a full MAJOR.MINOR.PATCH version")
    if pre:
        try:
            Version.parse(f"0.0.0-{pre}")
        except ValueError:
            raise _error(
                text, word, column, "numeric prerelease parts have no leading zeros"
            ) from None
    return _Partial(parts[0], parts[1], parts[2], pre)


def _hint(word: str) -> str:
    if word in ("|", "&&", "&"):
        return "use '||' for OR, and a space or comma for AND"
    if word.lower() in ("latest", "stable"):
        return "ranges do not name channels; use * (any release) or e.g. ^1.4"
    if word == "-":
        return "a hyphen range needs a version on each side, e.g. 1.2 - 1.5"
    if re.fullmatch(r"[vV]?\d+(\.\d+){3,}.*", word):
        return "a version has at most three numeric parts, MAJOR.MINOR.PATCH"
    if re.fullmatch(r"[vV]?\d+(\.\d+)*.*", word) and re.search(r"(^|\.)0\d", word):
        return "numeric parts have no leading zeros"
    return _EXPECTED


def _error(text: str, word: str, column: int, detail: str) -> RangeError:
    return RangeError(f"bad version range {text!r}: {word!r} at column {column}: {detail}", column)


def _expand(text: str, op: str, p: _Partial, word: str, column: int) -> list[Comparator]:
    if op == "!=" and not p.full:
        raise _error(text, word, column, "'!=' needs a full version such as !=1.4.2")
    if op == "!=":
        return [("!=", p.low())]
    if p.major is None:  # `*` and friends
        if op in (">", "<"):
            raise _error(text, word, column, f"{op}* matches no version")
        return []
    if op in ("", "="):
        return [("=", p.low())] if p.full else [(">=", p.low()), ("<", p.next_x())]
    if op == "^":
        return [(">=", p.low()), ("<", p.next_caret())]
    if op in ("~", "~>"):
        return [(">=", p.low()), ("<", _Partial(p.major, p.minor, None, None).next_x())]
    if op == ">":
        return [(">", p.low())] if p.full else [(">=", p.next_x().replace(prerelease=None))]
    if op == ">=":
        return [(">=", p.low())]
    if op == "<":
        return [("<", p.low())] if p.full else [("<", p.low().replace(prerelease="0"))]
    return [("<=", p.low())] if p.full else [("<", p.next_x())]  # "<="


def _hyphen(low: _Partial, high: _Partial) -> list[Comparator]:
    result: list[Comparator] = []
    if low.major is not None:
        result.append((">=", low.low()))
    if high.major is not None:
        result.append(("<=", high.low()) if high.full else ("<", high.next_x()))
    return result
