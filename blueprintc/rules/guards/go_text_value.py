"""A rendered value that is Go's text of something the template meant as YAML.

`{{ .Values.podAnnotations }}` where YAML is wanted prints Go's text of the mapping,
`map[team:web tier:front]`: valid YAML, a plain string, so Helm installs it and
Kubernetes takes it (an annotation `map[...]`, an environment variable, a config
file's line), and nothing fails until someone reads it (nats-io/k8s#237 shipped
`annotations: map[my.annotation:My Annotation]`). A mapping wants `toYaml`, indented
(`{{- toYaml .Values.podAnnotations | nindent 4 }}`); one key of it, the key.

Reported: a string value that is wholly Go's text of a map (`map[]`, `map[k:v ...]`);
Go's marks of a format gone wrong (`%!s(int=1)`, `%!d(string=x)`, `%!(EXTRA ...)`,
`%!v(MISSING)`: `printf` given the wrong kind or number of arguments); and `<nil>`, Go's
text of a nil value. A list printed as text (`[a b]`) reads as a YAML list and is
left to the schema check (BPG012). Only a template's text that holds one of these marks
is parsed, so the check costs nearly nothing.

Failing: `note: {{ .Values.extraLabels }}` with `extraLabels: {team: web}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.mapping import scalars
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import object_location, upstream_of
from blueprintc.rules.guards.rendered_objects import checked_renders
from blueprintc.yamldoc import json_path

# Go's text of a map: `map[]`, or `key:value` pairs (a value may hold spaces).
_GO_MAP = re.compile(r"map\[(?:[^\s:\[\]]+:.*)?\]")
_FORMAT_ERROR = re.compile(r"%!(?:[a-zA-Z]\(|\(EXTRA |\(BADWIDTH\)|\(BADPREC\)|\(NOVERB\))")
_MARKS = ("map[", "%!", "<nil>")


@rule(
    "BPG025",
    "go-text-value",
    Severity.ERROR,
    "a rendered value is Go's text of a map (`map[k:v]`), of a nil (`<nil>`) or of a "
    "`printf` gone wrong (`%!s(int=1)`): the template prints a value where YAML is wanted",
    "render a mapping with toYaml, indented (`{{- toYaml .Values.x | nindent N }}`), or "
    "print one of its keys; give printf the verbs its arguments need",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    seen: set[tuple[Location, str]] = set()
    for render, _, label, _ in checked_renders(ctx):
        suffix = f" (rendered with {label})" if label else ""
        # Each object whose template's text holds a mark, once whatever marks it holds.
        marked = {id(o): o for mark in _MARKS for o in render.objects_mentioning(mark)}
        for obj in marked.values():
            upstream = upstream_of(ctx, obj)
            source = f" (from the upstream {upstream.get('name')})" if upstream else ""
            for path, value in scalars(obj.body):
                printed = _go_text(value)
                if printed is None:
                    continue
                dotted = json_path(path)
                location = object_location(ctx, obj, dotted)
                key = (location, f"{obj.kind}/{obj.name}/{dotted}")
                if key in seen:  # the same template in another values set's render
                    continue
                seen.add(key)
                what, hint = printed
                yield Finding(
                    f"{obj.kind or '(no kind)'} {obj.name or '(no name)'}: {dotted} is "
                    f"{_shown(value)}, {what}{source}{suffix}",
                    location,
                    hint=hint,
                )


_MAP = (
    "Go's text of a map: the template prints a mapping",
    "render the mapping with toYaml under its key (`{{- toYaml .Values.x | nindent N }}`, "
    "N the column of its keys), or print one of its keys",
)
_NIL = (
    "Go's text of a nil value: the template prints a value unset",
    'give the value a default (`{{ .Values.x | default "..." }}`) or set it',
)
_PRINTF = (
    "Go's mark of a printf given the wrong arguments",
    "give printf a verb for each argument, of its kind (%s text, %d a number, %v any)",
)


def _go_text(value: Any) -> tuple[str, str] | None:
    """(what Go printed, the fix) when `value` is a string that is Go's text of a map, a
    nil or a failed format; None otherwise."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _GO_MAP.fullmatch(text):
        return _MAP
    if text == "<nil>":
        return _NIL
    return _PRINTF if _FORMAT_ERROR.search(text) else None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")


RULE = check
