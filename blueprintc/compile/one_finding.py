"""One mistake, one finding: where several plan rules report the same value, the one
whose hint says most about it stands alone (the planner's last step)."""

from __future__ import annotations

from blueprintc.diagnostics import Diagnostic, Severity


def one_finding_per_value(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A value another plan rule reports (an env type the canon lacks, BPP013; a
    placement mode the Blueprint does not support, BPP005) is one mistake: the schema's
    pattern or enum it also breaks (BPP015 at the very same place: file, line, column
    and JSON path) is not reported beside it, unless that other finding is suppressed.
    The other rule's hint names what is allowed here, not just in general. So is a
    quoted "false" (BPP032, a warning) that a schema refuses as an error where it stands
    (the chart's values.schema.json, BPP016; the configSchema, BPP004). And so is a render
    that fails on a config value the configSchema refuses (BPP016 at the place of a
    BPP004): the contract the value breaks is the finding, the failed render its
    consequence."""
    explained = {
        d.location
        for d in diagnostics
        if d.rule.startswith("BPP") and d.rule != "BPP015" and d.suppressed is None
    }
    refused = {
        _place(d)
        for d in diagnostics
        if d.severity >= Severity.ERROR and d.rule != "BPP032" and d.suppressed is None
    }
    against_schema = {_place(d) for d in diagnostics if d.rule == "BPP004" and d.suppressed is None}
    return [
        d
        for d in diagnostics
        if not (d.rule == "BPP015" and d.location in explained)
        and not (d.rule == "BPP032" and _place(d) in refused)
        and not (d.rule == "BPP016" and _place(d) in against_schema)
    ]


def _place(diagnostic: Diagnostic) -> tuple[str, int, int]:
    location = diagnostic.location
    return location.file, location.line, location.column
