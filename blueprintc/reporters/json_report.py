"""Machine report: every diagnostic, suppressed ones included and marked."""

from __future__ import annotations

from typing import Any

from blueprintc.diagnostics import Diagnostic
from blueprintc.jsondoc import json_document
from blueprintc.lint import LintResult


def as_dict(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {
        "rule": d.rule,
        "name": d.name,
        "severity": d.severity.label,
        "message": d.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "path": loc.json_path,
        "hint": d.hint,
        "suppressed": d.suppressed,
    }


def render(result: LintResult, colour: bool = False) -> str:
    document = {
        "blueprints": result.blueprints,
        "failOn": result.fail_on.label,
        "exitCode": result.exit_code,
        "diagnostics": [as_dict(d) for d in result.diagnostics],
    }
    return json_document("lint", document)
