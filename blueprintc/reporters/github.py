"""GitHub / Gitea Actions workflow commands (`::error file=...,line=...::message`)."""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.lint import LintResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult, colour: bool = False) -> str:
    lines = []
    for d in result.active:
        loc = d.location
        props = ",".join(
            [
                f"file={_escape_property(loc.file)}",
                f"line={loc.line}",
                f"col={loc.column}",
                f"title={_escape_property(f'{d.rule} {d.name}')}",
            ]
        )
        message = _escape_data(f"{d.message}\nhelp: {d.hint}")
        lines.append(f"::{_LEVEL[d.severity]} {props}::{message}")
    return "".join(line + "\n" for line in lines)
