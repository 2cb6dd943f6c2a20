"""A number or a boolean rendered as a string: the quotes that made it one.

`replicas: {{ .Values.replicas | quote }}` renders `replicas: "2"`, which the API server
refuses (`spec.replicas: Invalid value: "string"`: an integer is wanted); so does
`containerPort: "{{ .Values.port }}"`, and `replicas: "2"` written in values.yaml. The
schema check says `'2' is not of type 'integer'`; this says which quotes to drop.
"""

from __future__ import annotations

import re

from blueprintc.diagnostics import Location
from blueprintc.rules.context import BlueprintContext
from blueprintc.source import InputError

# jsonschema's words for a string where the schema wants a number or a boolean.
_QUOTED = re.compile(
    r"^'(?P<text>-?\d+(?:\.\d+)?|true|false)' is not of type '(?P<type>integer|number|boolean)'"
)
_ARTICLE = {"integer": "an integer", "number": "a number", "boolean": "a boolean"}


def quoted_scalar_hint(
    ctx: BlueprintContext, message: str, location: Location, from_values: bool
) -> str | None:
    """The fix when `message` is a string of digits (or true/false) where a number (a
    boolean) is wanted; None for any other error."""
    found = _QUOTED.match(message)
    if found is None:
        return None
    text, wanted = found["text"], _ARTICLE[found["type"]]
    if from_values:
        return f"write {text} without quotes: the field is {wanted}"
    line = _line(ctx, location)
    if "quote" in line:
        return f"drop `| quote` (or `quote`) from this line: the field is {wanted}"
    if re.search(r"[\"']\{\{.*\}\}[\"']", line):
        return f"drop the quotes around `{{{{ }}}}` on this line: the field is {wanted}"
    return f"render {text} without quotes: the field is {wanted}"


def _line(ctx: BlueprintContext, location: Location) -> str:
    try:
        return ctx.read(ctx.root / location.file).line_text(location.line)
    except (InputError, OSError):  # no text to read: the general hint
        return ""
