"""Where a render failure is reported, and with which fix.

At the template line that failed; where the chart has no such file (a subchart
archive's template, or none named), at the place the caller gives. A failure in an
upstream's template (one `helm dependency build` vendored in `charts/`) is at that
upstream's Chart.yaml entry instead, with the fix in its values: its templates are not
the platform's to change, and the next build replaces them (the rule `object_sources`
states for rendered objects). The opentelemetry-collector chart's `fail` when
`image.repository` is unset was reported inside the vendored NOTES.txt, a file that is
not in Git where `charts/` is ignored, with "fix the template". An upstream vendored
from its source without its own dependencies gets that said instead
(`upstream_dependencies`).
"""

from __future__ import annotations

import re
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.diagnostics import Finding, Location
from blueprintc.helm import RenderFailure, subchart_of
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.named_templates import missing_template, missing_template_hint
from blueprintc.rules.guards.object_sources import upstream_under
from blueprintc.rules.guards.support import chart_location, doc_location, values_file
from blueprintc.rules.guards.upstream_dependencies import unbuilt_dependencies
from blueprintc.rules.guards.value_failures import value_failure_hint
from blueprintc.subchart_values import mismatch_hint, mismatched_subchart
from blueprintc.template_functions import undefined_function
from blueprintc.yamldoc import YamlDoc


def failure_location(ctx: BlueprintContext, failure: RenderFailure) -> Location | None:
    """Where a render failure is reported: its template line; None when the template
    is not a file of the chart (a subchart archive's, or none named)."""
    source = ctx.template_source(failure.template)
    if source is None:
        return None
    column = failure.column
    undefined = undefined_function(failure.message)
    if undefined is not None and column == 1:  # Helm gives the line: at the call in it
        called = rf"(?<![\w.$]){re.escape(undefined)}(?!\w)"
        call = re.search(called, source.line_text(failure.line))
        column = call.start() + 1 if call else column
    return Location(source.rel, failure.line, column)


def failure_finding(
    ctx: BlueprintContext,
    failure: RenderFailure,
    message: str,
    fallback: Location,
    cause: Location | None = None,
    cause_doc: YamlDoc | None = None,
) -> Finding:
    """A render failure as a finding: at its template line (`fallback` when it has
    none), with the failure's own hint when it has one, else the rule's. A failure in an
    upstream's template is at `cause`, the values that made the render (a toggle, a ci/
    file: `cause_doc`), else at the upstream's Chart.yaml entry, with the fix in values."""
    upstream = upstream_entry(ctx, failure.template)
    if upstream is not None:
        index, dep = upstream
        where = cause or chart_location(ctx, ("dependencies", index), key=False)
        file = cause.file if cause is not None else values_file(ctx)
        missing = unbuilt_dependencies(ctx, dep)
        hint = unbuilt_hint(dep, missing) if missing else upstream_failure_hint(dep, file)
        return Finding(message, where, hint=hint)
    mismatched = _mismatched_value(failure, [cause_doc, ctx.values_yaml])
    if mismatched is not None:
        return Finding(message, *mismatched)
    location = failure_location(ctx, failure) or fallback
    return Finding(message, location, hint=_hint(ctx, failure) or None)


def _mismatched_value(
    failure: RenderFailure, docs: list[YamlDoc | None]
) -> tuple[Location, str] | None:
    """A subchart's key that holds no mapping (`subchart_values`), in the first of `docs`
    (the values files of the render, the one that wins first) that sets it: the key's
    place and the fix; None for another failure, or no such key in `docs`."""
    key = mismatched_subchart(failure.message)
    for doc in docs if key is not None else []:
        data = doc.data if doc is not None else None
        if isinstance(data, dict) and key in data:
            if isinstance(data[key], dict):
                return None
            assert doc is not None
            return doc_location(doc, (key,), key=True), mismatch_hint(key, data[key])
    return None


def _hint(ctx: BlueprintContext, failure: RenderFailure) -> str:
    """The fix for a failure of the chart's own template, where blueprintc knows one."""
    missing = missing_template(failure.message)
    if missing is not None:
        return missing_template_hint(ctx, missing)
    values = ctx.values_yaml.data if ctx.values_yaml is not None else None
    fix = value_failure_hint(failure.message, values, values_file(ctx))
    return fix or failure.hint


def unbuilt_hint(dep: dict[str, Any], missing: list[str]) -> str:
    """The fix for an upstream vendored without its own dependencies
    (`upstream_dependencies`)."""
    name = str(dep.get("name", ""))
    return (
        f"{name} is vendored without its own dependencies {', '.join(missing)} (its charts/ "
        f"lacks them), so Helm renders it without them: vendor {name} as its chart "
        "repository packages it (`helm dependency build` of this chart fetches it so), or "
        f"run `helm dependency build` in its directory"
    )


def upstream_failure_hint(dep: dict[str, Any], values: str) -> str:
    """The fix for a failure in the upstream `dep`'s template: values under its key in
    `values`, the file that gives them."""
    name, key = str(dep.get("name", "")), values_key(dep)
    return (
        f"{name} is an upstream chart: give it the values its message asks for under "
        f"`{key}:` in {values}, not a change to its templates (`helm dependency build` "
        f"replaces them); if no value makes it render, pin another release of {name}"
    )


def upstream_entry(
    ctx: BlueprintContext, template: str | None
) -> tuple[int, dict[str, Any]] | None:
    """The Chart.yaml entry (index, entry) of the upstream whose template (chart-relative:
    `charts/<key>/templates/x.yaml`, its own subcharts' included) this is."""
    key = subchart_of(template)
    if key is None or ctx.chart_dir is None:
        return None
    dep = upstream_under(ctx, key)
    if dep is None:
        return None
    return ctx.declared_dependencies.index(dep), dep
