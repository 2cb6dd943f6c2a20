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
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import object_location, upstream_of
from blueprintc.rules.guards.rendered_objects import checked_renders

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
    for render, _, label in checked_renders(ctx):
        suffix = f" (rendered with {label})" if label else ""
        for mark in _MARKS:
            for obj in render.objects_mentioning(mark):
                for path, value, what in _go_texts(obj.body, ""):
                    upstream = upstream_of(ctx, obj)
                    source = f" (from the upstream {upstream.get('name')})" if upstream else ""
                    finding = Finding(
                        f"{obj.kind or '(no kind)'} {obj.name or '(no name)'}: {path} is "
                        f"{_shown(value)}, {what}{source}{suffix}",
                        object_location(ctx, obj, path),
                        hint=_hint(what),
                    )
                    key = (finding.location, f"{obj.kind}/{obj.name}/{path}")
                    if key not in seen:  # another mark's or values set's look at it
                        seen.add(key)
                        yield finding


def _go_texts(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(dotted path, value, what Go printed) for each string of `value` that is Go's
    text of a map, a nil or a failed format."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _go_texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _go_texts(item, f"{path}[{index}]")
    elif isinstance(value, str):
        text = value.strip()
        if _GO_MAP.fullmatch(text):
            yield path, value, "Go's text of a map: the template prints a mapping"
        elif text == "<nil>":
            yield path, value, "Go's text of a nil value: the template prints a value unset"
        elif _FORMAT_ERROR.search(text):
            yield path, value, "Go's mark of a printf given the wrong arguments"


def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")


def _hint(what: str) -> str:
    if "map" in what:
        return (
            "render the mapping with toYaml under its key (`{{- toYaml .Values.x | nindent "
            "N }}`, N the column of its keys), or print one of its keys"
        )
    if "nil" in what:
        return 'give the value a default (`{{ .Values.x | default "..." }}`) or set it'
    return "give printf a verb for each argument, of its kind (%s text, %d a number, %v any)"


RULE = check
