"""The renders Helm makes and then refuses to install: a YAML template whose output is
not YAML (`env: {{ .Values.org }}-{{ .Values.type }}` with both values unset renders
`env: -`). Each is a `RenderFailure` at the template line that made it, which BPG003
reports for the default render, BPG012 for a ci/ or `--values` render and BPG005 for a
render with a toggle on.
"""

from __future__ import annotations

from collections.abc import Mapping

from blueprintc.helm import Render, RenderFailure, chart_relative
from blueprintc.rules.context import BlueprintContext

NOT_YAML_HINT = (
    "quote the value (`{{ .Values.x | quote }}`) or give it a default, so every rendered "
    "line is YAML"
)


def not_yaml_failures(
    ctx: BlueprintContext, render: Render, reported: Mapping[str, str] | None = None
) -> list[RenderFailure]:
    """The render's templates whose output is not YAML (`helm template` refuses such a
    render), each a failure at the template line that made the bad output line: the
    one whose text before its first `{{` starts that line. The message names the
    template (chart-relative) and quotes the bad line. A template whose output is the
    same as in `reported` (another render's manifests, reported there) is left out."""
    found = []
    for template, error in render.not_yaml():
        if reported is not None and reported.get(template) == render.manifests[template]:
            continue
        mark = getattr(error, "problem_mark", None)
        at = mark.line + 1 if mark is not None else 1
        lines = render.manifests[template].splitlines()
        made = lines[at - 1] if 0 < at <= len(lines) else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        name = chart_relative(template)
        source = ctx.template_source(name)
        line, column = _source_position(source.lines, made, at) if source else (1, 1)
        message = (
            f"{name} is not YAML ({problem} at line {at} of its output, `{made.strip()}`): "
            "Helm refuses to install it"
        )
        found.append(RenderFailure(message, name, line, column, False, NOT_YAML_HINT))
    return found


def _source_position(lines: list[str], made: str, near: int) -> tuple[int, int]:
    """Line and column of the first `{{` on the template line whose literal text (before
    that `{{`) begins `made`, the one nearest `near` if several do; else `near`, 1."""
    candidates = [
        (number, len(literal) + 1)
        for number, line in enumerate(lines, 1)
        if "{{" in line and (literal := line.split("{{", 1)[0]).strip() and made.startswith(literal)
    ]
    if candidates:
        return min(candidates, key=lambda found: abs(found[0] - near))
    return (near if 0 < near <= len(lines) else 1), 1
