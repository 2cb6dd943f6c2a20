"""A template line that writes a block of several lines at the wrong indentation.

`    {{ toYaml .Values.annotations | indent 4 }}`: the line's own four spaces come before
the action, and `indent 4` puts four more before each line of the block, the first
included: the first key lands at eight, the others at four, and the output is not YAML
(`did not find expected key`; xwiki-contrib/xwiki-helm#55, prometheus-community/
helm-charts#3960). `    {{ toYaml .Values.annotations }}` (no indentation at all) leaves
the second line and on at column 0. `{{- ... | nindent 4 }}` is what is meant: the `-`
takes the line's own spaces away, and `nindent` starts the block on a new line and
indents every line of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An action, not left-trimmed (`{{` then no `-`), after the line's own indentation, that
# writes a block (`toYaml`, `toJson`, `include`, `tpl`) with `indent N` or no indent.
_INDENTED_BLOCK = re.compile(
    r"^(?P<lead>[ \t]+)\{\{(?!-)(?P<body>[^}]*\b(?:toYaml|toJson|include|tpl)\b[^}]*)\}\}\s*$"
)
_INDENT = re.compile(r"\|\s*indent\s+(\d+)")


@dataclass(frozen=True)
class Misindented:
    line: int  # 1-based, in the template
    column: int  # of the `{{`
    hint: str


def misindented_block(lines: list[str], before: int) -> Misindented | None:
    """The last template line at or above line `before` (1-based) that writes a block at
    the wrong indentation, with the fix for it; None when there is none."""
    for number in range(min(before, len(lines)), 0, -1):
        found = _INDENTED_BLOCK.match(lines[number - 1])
        if found is None or "nindent" in found["body"]:
            continue
        lead = len(found["lead"])
        indent = _INDENT.search(found["body"])
        action = found["body"].strip()
        width = int(indent[1]) if indent else lead
        if indent:
            why = (
                f"`indent {width}` after the line's own {lead} spaces: the block's first line "
                f"gets both, the others {width} only"
            )
            action = _INDENT.sub("", action).strip()
        else:
            why = "the line's spaces indent the block's first line only"
        return Misindented(
            number,
            lead + 1,
            f"{why}; write `{{{{- {action} | nindent {width} }}}}` (the `-` drops the line's "
            "own spaces, nindent indents every line of the block)",
        )
    return None
