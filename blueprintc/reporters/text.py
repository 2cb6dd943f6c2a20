"""Human report: path:line:col, rule, message, the source line with a caret, the hint."""

from __future__ import annotations

from blueprintc.diagnostics import Diagnostic, Severity
from blueprintc.lint import LintResult
from blueprintc.source import InputError, read_source

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def render(result: LintResult, colour: bool = False) -> str:
    return render_diagnostics(result, colour) + _summary(result, colour) + "\n"


def render_diagnostics(result: LintResult, colour: bool = False) -> str:
    """Each active diagnostic with its source line and caret, without the lint summary."""
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    for diagnostic in result.active:
        out.extend(_one(diagnostic, result, cache, colour))
        out.append("")
    return "".join(line + "\n" for line in out)


def _one(d: Diagnostic, result: LintResult, cache: dict[str, list[str]], colour: bool) -> list[str]:
    loc = d.location
    head = (
        f"{_paint(f'{loc.file}:{loc.line}:{loc.column}', '1', colour)}: "
        f"{_paint(d.severity.label, _COLOURS[d.severity], colour)} "
        f"{_paint(d.rule, '1', colour)} [{d.name}] {d.message}"
    )
    lines = [head]
    source = None if d.conceals_source else _source_line(result, loc.file, loc.line, cache)
    if source is not None:
        number = str(loc.line)
        pad = " " * len(number)
        expanded = source.replace("\t", " ")
        caret_at = max(0, min(loc.column - 1, len(expanded)))
        lines.append(f" {pad} |")
        lines.append(f" {number} | {expanded}")
        lines.append(f" {pad} | {' ' * caret_at}{_paint('^', _COLOURS[d.severity], colour)}")
    lines.append(f"  = help: {d.hint}")
    return lines


def _source_line(
    result: LintResult, rel: str, line: int, cache: dict[str, list[str]]
) -> str | None:
    if rel not in cache:
        try:
            cache[rel] = read_source(result.root / rel, result.root).lines
        except (InputError, OSError):
            cache[rel] = []
    lines = cache[rel]
    return lines[line - 1] if 0 < line <= len(lines) else None


def _summary(result: LintResult, colour: bool) -> str:
    counts = {s: 0 for s in Severity}
    for d in result.active:
        counts[d.severity] += 1
    suppressed = len(result.diagnostics) - len(result.active)
    parts = [f"{counts[Severity.ERROR]} error(s)", f"{counts[Severity.WARNING]} warning(s)"]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    verdict = "failed" if result.exit_code else "passed"
    line = f"{len(result.blueprints)} Blueprint(s) linted: {', '.join(parts)}; {verdict}"
    return _paint(line, "31" if result.exit_code else "32", colour)
