"""What a rule is: an id, a severity, a one-line summary, a fix hint and a check.

A rule module's docstring is its rationale page (`blueprintc explain ID`).
Rules yield `Finding`s (where and what); the engine adds id and severity, so
workspace configuration can change severity without touching rules.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blueprintc.diagnostics import Finding, Location, Severity

if TYPE_CHECKING:
    from blueprintc.rules.context import BlueprintContext

Check = Callable[["BlueprintContext"], Iterable[Finding]]

FAMILIES = {
    "BPI": "input",
    "BPS": "schema",
    "BPG": "chart guards",
    "BPN": "naming",
    "BPD": "domains",
    "BPT": "terms",
    "BPP": "plan",
    "BPC": "compile output",
}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    hint: str
    doc: str
    check: Check | None = None  # None: raised by the loader (input rules)

    @property
    def family(self) -> str:
        return FAMILIES[self.id[:3]]


def rule(
    id: str, name: str, severity: Severity, summary: str, hint: str, doc: str | None
) -> Callable[[Check], Rule]:
    """Decorator turning a module's `check` function into its `Rule`."""

    def wrap(check: Check) -> Rule:
        return Rule(id, name, severity, summary, hint, inspect.cleandoc(doc or ""), check)

    return wrap


def input_rule(
    id: str,
    name: str,
    summary: str,
    hint: str,
    doc: str | None,
    severity: Severity = Severity.ERROR,
) -> Rule:
    """A rule whose findings come from a loader or the planner, not a per-Blueprint check."""
    return Rule(id, name, severity, summary, hint, inspect.cleandoc(doc or ""), None)


def at(file: str, position: tuple[int, int], json_path: str = "") -> Location:
    return Location(file, position[0], position[1], json_path)
