"""A boolean value read through `default true`, which no one can then turn off.

Helm's (sprig's) `default` takes an empty value for a missing one, and `false` is empty:
`{{ .Values.tls.enabled | default true }}` renders `true` for `tls.enabled: false`, so
a Sovereign's overlay, a ci/ file or a user setting it false changes nothing, silently.
Real charts shipped it and took bug reports for it (rook's CSI drivers, kubeblocks'
controllers, reana's `smtp_starttls`, grafana's k8s-monitoring removed every `default
true`). Helm's own guide says where a default belongs: in values.yaml.

Reported in the chart's own templates, at the `default`: the pipeline form
(`.Values.a.b | default true`, also inside `if` and parentheses) and the function form
(`default true .Values.a.b`), with `true` or `"true"`, where values.yaml has a boolean
at that path, nothing, or the empty string many charts use for "unset" (prometheus-
community's node-exporter and windows-exporter charts read `filterRunning: ""` so: no
one can set their PodMonitor's `filterRunning` false). A string or a number there is
another story (`"false"` is not empty). An upstream's templates are the upstream's.

Failing: `enabled: {{ .Values.metrics.enabled | default true }}` with
`metrics.enabled: true` in values.yaml.

Passing: `enabled: {{ .Values.metrics.enabled }}` with `metrics.enabled: true` in
values.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.mapping import value_at
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import is_helm
from blueprintc.rules.naming.text import position

_VALUE = r"\$?\.Values((?:\.[A-Za-z_][\w-]*)+)"
_TRUE = r'default\s+(?:true|"true")'
_PIPED = re.compile(_VALUE + r"\s*\|\s*(" + _TRUE + r")\b")
_CALLED = re.compile(r"(" + _TRUE + r")\s+" + _VALUE)
_ANY_TRUE = re.compile(_TRUE)
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_MISSING = object()


@rule(
    "BPG018",
    "default-true",
    Severity.WARNING,
    "a boolean value is read through `default true`: Helm's default takes false as empty, "
    "so the value cannot turn the setting off",
    "give the default in values.yaml and read the value as it is",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.chart_dir is None:
        return
    values = ctx.values_yaml.data if ctx.values_yaml is not None else None
    templates = ctx.chart_dir / "templates"
    for source in ctx.templates:
        if _ANY_TRUE.search(source.text) is None or not source.path.is_relative_to(templates):
            continue  # (most templates: one search, not one per action)
        for action in _ACTION.finditer(source.text):
            for path, offset in _defaulted(action.group()):
                value = value_at(values, path) if isinstance(values, dict) else None
                if value is not None and not isinstance(value, bool) and value != "":
                    continue  # a string or number: `false` is no value of it
                line, column = position(source.text, action.start() + offset)
                yield _finding(source.rel, line, column, path, value)


def _defaulted(action: str) -> Iterator[tuple[tuple[str, ...], int]]:
    """Each values path the action reads through `default true`, with the offset of that
    `default` in the action."""
    for match in _PIPED.finditer(action):
        yield tuple(match.group(1)[1:].split(".")), match.start(2)
    for match in _CALLED.finditer(action):
        yield tuple(match.group(2)[1:].split(".")), match.start(1)


def _finding(
    file: str, line: int, column: int, path: tuple[str, ...], value: bool | str | None
) -> Finding:
    dotted = ".".join(path)
    given = {
        True: "values.yaml sets it true",
        False: "values.yaml's own `false` renders true already",
        None: "values.yaml leaves it out",
        "": 'values.yaml leaves it empty, `""`',
    }[value]
    return Finding(
        f"`.Values.{dotted}` is read through `default true`: Helm's `default` takes false "
        f"as empty, so `{dotted}: false` renders true, and nothing can turn the setting off "
        f"({given})",
        Location(file, line, column),
        hint=(
            f"drop `default true` and give the default in values.yaml (`{dotted}: true`); "
            "where the value may be left out of a map, test it with `hasKey`"
        ),
    )


RULE = check
