"""Where a render failure is reported, and with which fix: at the template line that
failed, or where its chart says nothing (a subchart archive's template, or none named)
at the place the caller gives."""

from __future__ import annotations

from blueprintc.diagnostics import Finding, Location
from blueprintc.helm import RenderFailure
from blueprintc.rules.context import BlueprintContext


def failure_location(ctx: BlueprintContext, failure: RenderFailure) -> Location | None:
    """Where a render failure is reported: its template line; None when the template
    is not a file of the chart (a subchart archive's, or none named)."""
    source = ctx.template_source(failure.template)
    return Location(source.rel, failure.line, failure.column) if source else None


def failure_finding(
    ctx: BlueprintContext, failure: RenderFailure, message: str, fallback: Location
) -> Finding:
    """A render failure as a finding: at its template line (`fallback` when it has
    none), with the failure's own hint when it has one, else the rule's."""
    location = failure_location(ctx, failure) or fallback
    return Finding(message, location, hint=failure.hint or None)
