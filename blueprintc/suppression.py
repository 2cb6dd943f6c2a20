"""Inline suppression comments and per-rule workspace configuration."""

from __future__ import annotations

import dataclasses
import re

from blueprintc.diagnostics import Diagnostic
from blueprintc.workspace import Workspace

# `# blueprintc: disable=BPG001,BPN001` on the line, or `disable-next-line=` on the one above;
# without `=IDS`, every rule. The longer keyword comes first: `disable` alone would match the
# start of `disable-next-line` and silence every rule on the comment's own line.
_INLINE = re.compile(
    r"#\s*blueprintc:\s*(disable-next-line|disable)(?![\w-])(?:\s*=\s*(\w+(?:\s*,\s*\w+)*))?"
)


def inline_suppresses(rule: str, line_text: str, previous_line: str) -> bool:
    for text, kind in ((line_text, "disable"), (previous_line, "disable-next-line")):
        for match in _INLINE.finditer(text):
            if match.group(1) != kind:
                continue
            ids = match.group(2)
            if ids is None or rule in {part.strip().upper() for part in ids.split(",")}:
                return True
    return False


def apply_config(diagnostic: Diagnostic, workspace: Workspace) -> Diagnostic:
    config = workspace.rule_config(diagnostic.rule)
    if config.severity is not None:
        diagnostic = dataclasses.replace(diagnostic, severity=config.severity)
    if not config.enabled or config.ignores(diagnostic.location.file):
        diagnostic = dataclasses.replace(diagnostic, suppressed="config")
    return diagnostic
