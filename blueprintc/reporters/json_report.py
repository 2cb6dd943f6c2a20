"""Machine report: every diagnostic, suppressed ones included and marked."""

from __future__ import annotations

import json
from typing import Any

from blueprintc import __version__
from blueprintc.diagnostics import Diagnostic
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
        "tool": {"name": "blueprintc", "version": __version__},
        "blueprints": result.blueprints,
        "failOn": result.fail_on.label,
        "exitCode": result.exit_code,
        "diagnostics": [as_dict(d) for d in result.diagnostics],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
