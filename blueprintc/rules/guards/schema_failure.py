"""Where in values.yaml a render that a chart's values.schema.json refused went wrong.

Helm validates the values against every chart's `values.schema.json` before it renders,
and refuses with one message for the lot: `values don't meet the specifications of the
schema(s) in the following chart(s): cloudnative-pg: - at '/replicaCount': got string,
want integer`. It names no file, so the smoke render's finding stood at Chart.yaml's
`name:` with a hint about templates. The value it names is in the chart's values.yaml,
under the subchart's key for a subchart's schema: that is where the fix goes.
"""

from __future__ import annotations

import re

from blueprintc.diagnostics import Finding
from blueprintc.helm import RenderFailure
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import values_key
from blueprintc.rules.guards.support import doc_location
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

_REFUSED = "values don't meet the specifications of the schema(s)"
# `<chart>: - at '<JSON pointer>': <what is wrong>`, the first of Helm's list.
_VIOLATION = re.compile(r"(?P<chart>[\w.-]+): - at '(?P<pointer>[^']*)': (?P<why>.+?)(?= - |$)")


def schema_finding(
    ctx: BlueprintContext, failure: RenderFailure, message: str, docs: list[YamlDoc | None]
) -> Finding | None:
    """`message` at the first value Helm's schema check refused, in the first of `docs`
    (the values files of the render, the one that wins first) that sets it, with the
    fix; None when the failure is another, or no file sets that value (a subchart's own
    default, or a required value nobody gave: the caller's place stands)."""
    if _REFUSED not in failure.message:
        return None
    match = _VIOLATION.search(failure.message.split(_REFUSED, 1)[1])
    if match is None:
        return None
    found = _values_prefix(ctx, match.group("chart"))
    if found is None:
        return None
    prefix, chart = found
    for doc in docs:
        if doc is None:
            continue
        path = (*prefix, *_parts(doc.get(prefix), match.group("pointer")))
        if path and doc.get(path, _ABSENT) is not _ABSENT:
            return Finding(
                message,
                doc_location(doc, path),
                hint=f"give {json_path(path)} a value {chart}'s values.schema.json accepts "
                f"({match.group('why')})",
            )
    return None


_ABSENT = object()


def _values_prefix(ctx: BlueprintContext, chart: str) -> tuple[PathKey, str] | None:
    """Where `chart`'s values are in the chart's values.yaml, and the chart's name: the
    root for the chart itself, a dependency's key (its alias, else its name) for a
    subchart, which Helm's message names by that alias when it has one."""
    own = ctx.chart_yaml.data if ctx.chart_yaml is not None else None
    if isinstance(own, dict) and own.get("name") == chart:
        return (), chart
    for dep in ctx.declared_dependencies:
        if chart in (dep.get("name"), dep.get("alias")):
            return (values_key(dep),), str(dep.get("name"))
    return None


def _parts(node: object, pointer: str) -> PathKey:
    """A JSON pointer's parts (`/a/0/b~1c`) below `node`, a number an index where the
    value there is a list."""
    parts: list[str | int] = []
    for raw in pointer.split("/")[1:]:
        text = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and text.isdigit():
            parts.append(int(text))
            node = node[int(text)] if int(text) < len(node) else None
        else:
            parts.append(text)
            node = node.get(text) if isinstance(node, dict) else None
    return tuple(parts)
