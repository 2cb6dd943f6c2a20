"""SARIF 2.1.0, as GitHub and Gitea code scanning ingest it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from blueprintc import __version__
from blueprintc.diagnostics import Severity
from blueprintc.lint import LintResult
from blueprintc.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFO_URI = "https://blueprintc.dev/rules/"


def _rule_descriptor(rule_id: str) -> dict[str, Any]:
    rule = RULES[rule_id]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.split("\n\n")[0] if rule.doc else rule.summary},
        "help": {"text": rule.doc or rule.summary},
        "helpUri": f"{INFO_URI}{rule.id}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.family]},
    }


def render(result: LintResult, colour: bool = False) -> str:
    used = sorted({d.rule for d in result.diagnostics})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    results = []
    for d in result.diagnostics:
        loc = d.location
        entry: dict[str, Any] = {
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": _LEVEL[d.severity],
            "message": {"text": f"{d.message} (fix: {d.hint})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(loc.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": loc.line, "startColumn": loc.column},
                    }
                }
            ],
        }
        if d.suppressed:
            kind = "inSource" if d.suppressed == "inline" else "external"
            entry["suppressions"] = [{"kind": kind}]
        results.append(entry)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "blueprintc",
                        "version": __version__,
                        "informationUri": "https://blueprintc.dev",
                        "rules": [_rule_descriptor(rule_id) for rule_id in used],
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {
                        "uri": result.root.resolve().as_uri().rstrip("/") + "/",
                        "description": {
                            "text": "The repository root: the git top level "
                            "(the workspace root outside git)."
                        },
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
