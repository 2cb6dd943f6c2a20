"""Diagnostics are data: the one value every check produces and every reporter renders."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


def one_line(text: object) -> str:
    """A message's text on one line: each run of whitespace (a tool's newlines, carets
    and indentation) as one space."""
    return " ".join(str(text).split())


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True, order=True)
class Location:
    """A place in a workspace file: path relative to the workspace root, 1-based line/column."""

    file: str
    line: int = 1
    column: int = 1
    json_path: str = ""


@dataclass(frozen=True)
class Finding:
    """What a rule yields: where and what. The engine adds the rule id and severity."""

    message: str
    location: Location
    hint: str | None = None


_SOURCE, _CONCEALED = "source", "concealed"


@dataclass(frozen=True)
class Diagnostic:
    rule: str
    name: str
    severity: Severity
    message: str
    location: Location
    hint: str
    suppressed: str | None = None  # "inline" or "config" when silenced
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def conceals_source(self) -> bool:
        """Its source line holds a secret: no reporter quotes that line."""
        return self.extra.get(_SOURCE) == _CONCEALED

    def concealing_source(self) -> Diagnostic:
        return replace(self, extra={**self.extra, _SOURCE: _CONCEALED})

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)


def sorted_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One stable order for every reporter: file, line, column, rule, message."""
    return sorted(diagnostics, key=lambda d: d.sort_key)


def failing(diagnostics: list[Diagnostic], fail_on: Severity) -> list[Diagnostic]:
    """The findings that stop a compile: active (not suppressed) and at or above the
    workspace's `lint.failOn` (error by default), as they fail lint."""
    return [d for d in diagnostics if d.suppressed is None and d.severity >= fail_on]
