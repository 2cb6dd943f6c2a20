"""Where in values.yaml a render that a chart's values.schema.json refused went wrong
(`blueprintc.schema_refusal`): the smoke render's finding stood at Chart.yaml's `name:`
with a hint about templates. Each value Helm names is in the chart's values.yaml, under
the subchart's key for a subchart's schema: that is where its fix goes, one finding per
value, so that one run shows every fix. A required value
nobody gives (`missing property 'policy'`, external-dns 1.21's) is reported at the key of
the mapping that lacks it, else at the upstream's Chart.yaml entry, with what the schema
says it may be.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.diagnostics import Finding, Location
from blueprintc.helm import RenderFailure
from blueprintc.remote_schemas import SCHEMA_FILE
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location, doc_location, values_file
from blueprintc.rules.guards.upstream_templates import upstream_schema
from blueprintc.rules.naming.text import position
from blueprintc.schema_refusal import (
    Refusal,
    fix_hint,
    missing_properties,
    pointer_parts,
    property_choices,
    refusals,
    refusals_message,
    schema_properties,
    unknown_key_hint,
    unknown_properties,
    unusable_schema,
    value_prefixes,
)
from blueprintc.source import InputError
from blueprintc.yamldoc import PathKey, YamlDoc


@dataclass(frozen=True)
class SchemaFindings:
    """A render's values a schema refused: those a values file sets, each as a finding at
    its value with the fix, and those no file sets (a subchart's own default)."""

    located: tuple[tuple[Refusal, Finding], ...]
    unlocated: tuple[Refusal, ...]

    def unlocated_failure(self, failure: RenderFailure) -> RenderFailure | None:
        """`failure` as Helm's message for the unlocated values alone; None if none."""
        return refused_only(failure, self.unlocated) if self.unlocated else None


def refused_only(failure: RenderFailure, refused: Sequence[Refusal]) -> RenderFailure:
    """`failure`, its message Helm's for the values `refused` alone."""
    return dataclasses.replace(failure, message=refusals_message(refused))


def schema_findings(
    ctx: BlueprintContext, failure: RenderFailure, prefix: str, docs: list[YamlDoc | None]
) -> SchemaFindings | None:
    """Each value Helm's schema check refused, at the first of `docs` (the values files
    of the render, the one that wins first) that sets it, with the fix, its message
    `prefix` and Helm's message for it alone; None when the failure is another. Missing
    required values: see `_missing`."""
    located: list[tuple[Refusal, Finding]] = []
    unlocated: list[Refusal] = []
    for refused in refusals(failure.message):
        finding = _finding(ctx, refused, f"{prefix}{refused.message}", docs)
        if finding is None:
            unlocated.append(refused)
        else:
            located.append((refused, finding))
    if not located and not unlocated:
        return None
    return SchemaFindings(tuple(located), tuple(unlocated))


def unusable_schema_finding(
    ctx: BlueprintContext, failure: RenderFailure, message: str
) -> Finding | None:
    """`message` at the chart's own values.schema.json when Helm could not use it (not
    JSON: at the parse error; a `$ref` it cannot resolve), which fails every render,
    install and upgrade; None for another failure."""
    unusable = unusable_schema(failure.message)
    own = ctx.chart_yaml.data if ctx.chart_yaml is not None else None
    if unusable is None or not isinstance(own, dict) or own.get("name") != unusable[0]:
        return None
    assert ctx.chart_dir is not None
    path = ctx.chart_dir / SCHEMA_FILE
    try:
        source = ctx.read(path)
    except InputError:
        return None
    line = column = 1
    try:
        json.loads(source.text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
    else:  # a `$ref` that points at nothing: at the first `$ref` naming it
        missing = _MISSING_POINTER.search(unusable[1])
        at = source.text.find(f'"#{missing.group(1)}"') if missing else -1
        if at >= 0:
            line, column = position(source.text, at)
    hint = (
        f"fix {SCHEMA_FILE} ({unusable[1]}): Helm checks the values against it before "
        "every render, install and upgrade, so each fails until it is valid"
    )
    return Finding(message, Location(source.rel, line, column), hint)


def _finding(
    ctx: BlueprintContext, refused: Refusal, message: str, docs: list[YamlDoc | None]
) -> Finding | None:
    """`message` at the value `refused` names in the first of `docs` that sets it; None
    when the chart is unknown or no file sets the value."""
    found = _values_prefix(ctx, refused.chart)
    if found is None:
        return None
    prefix, chart, dep = found
    if missing_properties(refused.why):
        return _missing(ctx, refused, message, docs, (prefix, chart, dep))
    unknown = _unknown(ctx, refused, message, docs, (prefix, chart, dep))
    if unknown is not None:
        return unknown
    for doc in docs:
        if doc is None:
            continue
        for under in value_prefixes(prefix, refused.pointer):
            path = (*under, *pointer_parts(doc.get(under), refused.pointer))
            if path and doc.get(path, _ABSENT) is not _ABSENT:
                hint = fix_hint(path, chart, refused.why)
                return Finding(message, doc_location(doc, path), hint)
    return None


_ABSENT = object()
_MISSING_POINTER = re.compile(r'json-pointer in "[^"#]*#([^"]*)" not found')
_Chart = tuple[PathKey, str, dict[str, Any] | None]


def _missing(
    ctx: BlueprintContext,
    refused: Refusal,
    message: str,
    docs: list[YamlDoc | None],
    chart: _Chart,
) -> Finding:
    """Required values nobody gives: at the key of the mapping that lacks them in the
    first of `docs` that has it; else at the upstream's Chart.yaml entry (the chart's
    `name:` for its own schema), the hint naming the values file."""
    prefix, name, dep = chart
    first = next((doc for doc in docs if doc is not None), None)
    parts = pointer_parts(first.get(prefix) if first else None, refused.pointer)
    path = (*prefix, *parts)
    choices = property_choices(_schema(ctx, dep), parts, missing_properties(refused.why))
    hint = fix_hint(path, name, refused.why, choices)
    for doc in docs:
        if doc is not None and path and doc.get(path, _ABSENT) is not _ABSENT:
            return Finding(message, doc_location(doc, path, key=True), hint)
    if dep is not None:
        index = ctx.declared_dependencies.index(dep)
        where = chart_location(ctx, ("dependencies", index), key=False)
    else:
        where = chart_location(ctx, ("name",))
    return Finding(message, where, fix_hint(path, name, refused.why, choices, values_file(ctx)))


def _unknown(
    ctx: BlueprintContext,
    refused: Refusal,
    message: str,
    docs: list[YamlDoc | None],
    chart: _Chart,
) -> Finding | None:
    """Keys the schema does not allow (`additionalProperties: false`): at the first such
    key a values file sets, with the closest key the schema allows there; None for
    another refusal, or when no file sets one."""
    prefix, name, dep = chart
    for key in unknown_properties(refused.why):
        for doc in docs:
            if doc is None:
                continue
            path = (*prefix, *pointer_parts(doc.get(prefix), refused.pointer), key)
            if doc.get(path, _ABSENT) is not _ABSENT:
                known = schema_properties(_schema(ctx, dep), path[len(prefix) : -1])
                hint = unknown_key_hint(path, name, known)
                return Finding(message, doc_location(doc, path, key=True), hint)
    return None


def _schema(ctx: BlueprintContext, dep: dict[str, Any] | None) -> Any:
    """The values.schema.json that refused: the upstream `dep`'s, or the chart's own."""
    if dep is not None:
        return upstream_schema(ctx, dep)
    assert ctx.chart_dir is not None
    try:
        return json.loads(ctx.read(ctx.chart_dir / "values.schema.json").text)
    except (InputError, ValueError):
        return None


def _values_prefix(ctx: BlueprintContext, chart: str) -> _Chart | None:
    """Where `chart`'s values are in the chart's values.yaml, the chart's name, and its
    Chart.yaml entry: the root for the chart itself (no entry), a dependency's key (its
    alias, else its name) for a subchart, which Helm's message names by that alias when
    it has one."""
    own = ctx.chart_yaml.data if ctx.chart_yaml is not None else None
    if isinstance(own, dict) and own.get("name") == chart:
        return (), chart, None
    for dep in ctx.declared_dependencies:
        if chart in (dep.get("name"), dep.get("alias")):
            return (values_key(dep),), str(dep.get("name")), dep
    return None
