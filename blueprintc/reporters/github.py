"""GitHub / Gitea Actions workflow commands (`::error file=...,line=...::message`).

GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
silently, so a report past that cap says so first and points at the full reports.
"""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.lint import LintResult

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
ANNOTATION_CAP = 10  # per step, for errors and for warnings each (GitHub's limit)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _counts(result: LintResult) -> dict[Severity, int]:
    counts = {s: 0 for s in Severity}
    for d in result.active:
        counts[d.severity] += 1
    return counts


def _headline(result: LintResult) -> str:
    counts = _counts(result)
    return (
        f"blueprintc lint: {len(result.blueprints)} Blueprint(s), "
        f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s)"
    )


def cap_note(result: LintResult) -> str | None:
    """What GitHub will not show, when findings pass its annotation cap."""
    counts = _counts(result)
    over = [
        f"{counts[s]} {_LEVEL[s]}s"
        for s in (Severity.ERROR, Severity.WARNING)
        if counts[s] > ANNOTATION_CAP
    ]
    if not over:
        return None
    return (
        f"{' and '.join(over)}: GitHub shows only the first {ANNOTATION_CAP} error and "
        f"{ANNOTATION_CAP} warning annotations of a step; read every finding in the SARIF "
        "report (`blueprintc lint --format sarif -o lint.sarif`, for code scanning) or the "
        "JSON report (`--format json`)"
    )


def render(result: LintResult, colour: bool = False) -> str:
    """Nothing when nothing is active (an empty group is noise), else one group."""
    if not result.active:
        return ""
    lines = [f"::group::{_escape_data(_headline(result))}"]
    note = cap_note(result)
    if note is not None:
        lines.append(f"::notice title=blueprintc annotations capped::{_escape_data(note)}")
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
    lines.append("::endgroup::")
    return "".join(line + "\n" for line in lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(result: LintResult) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: the counts and every active finding."""
    out = [f"### {_headline(result)}", ""]
    note = cap_note(result)
    if note is not None:
        out += [f"> {_cell(note)}", ""]
    if result.active:
        out += ["| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
        for d in result.active:
            where = f"`{_cell(d.location.file)}:{d.location.line}`"
            out.append(f"| {d.severity.label} | {d.rule} | {where} | {_cell(d.message)} |")
        out.append("")
    return "\n".join(out) + "\n"
