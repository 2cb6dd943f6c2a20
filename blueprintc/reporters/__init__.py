"""Renderers: pure functions from a LintResult to text, chosen by format name."""

from __future__ import annotations

from collections.abc import Callable

from blueprintc.lint import LintResult
from blueprintc.reporters import github, json_report, junit, sarif, text

Reporter = Callable[[LintResult, bool], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}
