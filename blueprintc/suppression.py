"""Inline suppression comments and per-rule workspace configuration.

One place decides what a rule's finding becomes in a workspace, for lint and
compile alike: `apply_config` (severity, `off`, ignore globs) and `finalise`
in lint.py (which adds the inline comments), and `tolerance`, which tells a
loader whether an input finding refuses its file or is only reported.
"""

from __future__ import annotations

import dataclasses
import re

from blueprintc.diagnostics import Diagnostic, Severity
from blueprintc.source import InputError, SourceFile
from blueprintc.workspace import Workspace
from blueprintc.yamldoc import Tolerance

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


def tolerance(workspace: Workspace) -> Tolerance:
    """Whether an input finding is reported instead of refusing its file: when the
    workspace makes it less than an error (a lower severity, `off`, an ignore glob) or
    an inline comment silences it. At `error` (BPI002's default) the file is refused."""

    def tolerates(error: InputError, source: SourceFile) -> bool:
        from blueprintc.rules import RULES  # the registry imports the rules, which import us

        config = workspace.rule_config(error.rule)
        if not config.enabled or config.ignores(error.path):
            return True
        if (config.severity or RULES[error.rule].severity) < Severity.ERROR:
            return True
        line = error.line
        return inline_suppresses(error.rule, source.line_text(line), source.line_text(line - 1))

    return tolerates
