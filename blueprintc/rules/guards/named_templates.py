"""The named templates a chart defines (`{{ define "x" }}`), and the fix for one it uses
but defines nowhere.

Helm shares named templates across the chart and its subcharts. A name used but defined
nowhere fails the render (`include`: `no template "x" associated with template
"gotpl"`; the `template` action: `template "x" not defined`), and the finding said "fix
the template". A misspelt helper name (`demo.lables`) is the usual cause: the closest
name the chart or its vendored upstreams define is the likely fix.
"""

from __future__ import annotations

import difflib
import re

from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.upstream_templates import files

_DEFINE = re.compile(r"\{\{-?\s*define\s+\"([^\"]+)\"\s*-?\}\}(.*?)\{\{-?\s*end\s*-?\}\}", re.S)
_MISSING = re.compile(
    r'no template "(?P<included>[^"]+)" associated with template|'
    r'template "(?P<called>[^"]+)" not defined'
)


def helper_bodies(ctx: BlueprintContext) -> dict[str, str]:
    """The chart's own named templates, by name: each body up to its first `end`."""
    return {name: body for source in ctx.templates for name, body in _DEFINE.findall(source.text)}


def missing_template(message: str) -> str | None:
    """The named template a render failure's `message` says is defined nowhere; None for
    another failure."""
    match = _MISSING.search(message)
    return (match.group("included") or match.group("called")) if match else None


def missing_template_hint(ctx: BlueprintContext, name: str) -> str:
    """The fix for a use of the named template `name`, which nothing defines."""
    defined = sorted(set(helper_bodies(ctx)) | _upstream_names(ctx))
    close = difflib.get_close_matches(name, defined, n=1, cutoff=0.6)
    if close:
        return f'use "{close[0]}": nothing in the chart or its upstreams defines "{name}"'
    return (
        f'define "{name}" (`{{{{- define "{name}" -}}}}` in templates/_helpers.tpl), or use '
        "a name the chart or its upstreams define"
    )


def _upstream_names(ctx: BlueprintContext) -> set[str]:
    """The names the vendored upstreams' own templates define."""
    return {
        match.group(1)
        for dep in ctx.declared_dependencies
        for text in files(ctx, dep).texts
        for match in _DEFINE.finditer(text)
    }
