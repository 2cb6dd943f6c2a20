"""Where a rendered object comes from: a template of the chart, of one of the platform's
own subcharts, or of an upstream chart that `helm dependency build` vendored.

The difference decides what a finding can ask. A template the platform writes can be
changed; an upstream's cannot, only set through its values, so rules about how a
template is written (its labels) read the platform's templates alone, and rules about
what the release does to a cluster report an upstream's objects together, at its
Chart.yaml entry, with a fix made in values.
"""

from __future__ import annotations

import re
from typing import Any

from blueprintc.chartsources import file_source, values_key
from blueprintc.diagnostics import Location
from blueprintc.helm import RenderedObject, chart_relative, subchart_of
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards import template_keys
from blueprintc.rules.guards.library_charts import helper_charts
from blueprintc.rules.guards.support import chart_location
from blueprintc.source import SourceFile


def object_location(ctx: BlueprintContext, obj: RenderedObject, path: str = "") -> Location:
    """The `kind:` line of its template in the chart, or the Chart.yaml entry of the
    subchart that ships it. With `path` (a field's, as `spec.replicas`), the line in the
    template where the field, or the deepest key on the way to it, is written
    (`template_keys`); the `kind:` line when the template writes none of it."""
    template = chart_relative(obj.template)
    key = subchart_of(template)
    if key is not None:
        return subchart_location(ctx, key)
    document = _template_document(ctx, obj)
    if document is None:
        return chart_location(ctx, ("name",))
    source, line, first, last = document
    column = 1
    parts = template_keys.path_parts(obj.body, path) if path else None
    if parts and first >= 0:
        line, column = template_keys.key_position(source.lines, first, last, parts) or (
            line,
            column,
        )
    return Location(source.rel, line, column, f"{obj.kind}/{obj.name}")


def subchart_location(ctx: BlueprintContext, key: str) -> Location:
    """Where a finding about a subchart's file stands: its Chart.yaml entry (the
    `dependencies:` key when no entry names it)."""
    found = _dependency(ctx, key)
    if found is not None:
        return chart_location(ctx, ("dependencies", found[0]), key=False)
    return chart_location(ctx, ("dependencies",))


def template_position(
    ctx: BlueprintContext, obj: RenderedObject, path: str = ""
) -> tuple[int, int]:
    """`object_location`'s line and column when it stands in the object's own template;
    1, 1 for a subchart's object (a render failure there is reported at its Chart.yaml
    entry, by `render_failures.failure_finding`)."""
    where = object_location(ctx, obj, path)
    source = ctx.template_source(chart_relative(obj.template))
    at = source is not None and where.file == source.rel
    return (where.line, where.column) if at else (1, 1)


def template_writes(ctx: BlueprintContext, obj: RenderedObject, path: str) -> bool:
    """Whether the chart's own template of `obj` writes every key of `path` itself (not a
    helper, a `toYaml` of values, or an upstream's template)."""
    if subchart_of(chart_relative(obj.template)) is not None:
        return False
    document = _template_document(ctx, obj)
    parts = template_keys.path_parts(obj.body, path)
    if document is None or not parts or document[2] < 0:
        return False
    source, _, first, last = document
    return template_keys.writes_whole_path(source.lines, first, last, parts)


def _template_document(
    ctx: BlueprintContext, obj: RenderedObject
) -> tuple[SourceFile, int, int, int] | None:
    """The chart's template of `obj`, the 1-based line of its `kind:` (1 when none is
    found) and the 0-based line range of its YAML document ((-1, -1) when none is)."""
    source = ctx.template_source(chart_relative(obj.template))
    if source is None:
        return None
    lines = source.lines
    pattern = re.compile(rf"^\s*kind:\s*[\"']?{re.escape(obj.kind)}[\"']?\s*$")
    kinds = [i for i, line in enumerate(lines, start=1) if pattern.match(line)]
    if not kinds:
        return source, 1, -1, -1
    line = kinds[min(obj.ordinal, len(kinds) - 1)]
    first, last = template_keys.document_bounds(lines, line - 1)
    return source, line, first, last


def upstream_of(ctx: BlueprintContext, obj: RenderedObject) -> dict[str, Any] | None:
    """The Chart.yaml entry of the upstream dependency whose templates rendered `obj` (its
    nested subcharts' included); None for the chart's own templates and the platform's
    own subcharts: a canon helper chart, a `file://` chart inside the workspace that
    blueprint.yaml's `spec.upstream` does not name (an upstream vendored in the repository
    is named there), or one put in `charts/` by hand (Chart.yaml does not declare it, so
    no build fetched it)."""
    return upstream_at(ctx, obj.template)


def upstream_at(ctx: BlueprintContext, path: str) -> dict[str, Any] | None:
    """`upstream_of` for a file as Helm names it (`bp-demo/charts/spire/crds/x.yaml`)."""
    key = subchart_of(chart_relative(path))
    return upstream_under(ctx, key) if key is not None else None


def upstream_under(ctx: BlueprintContext, key: str) -> dict[str, Any] | None:
    """The Chart.yaml entry of the upstream dependency named or aliased `key` (a
    subchart's directory in Helm's paths, its key in values.yaml); None for none, and for
    the platform's own subcharts."""
    found = _dependency(ctx, key)
    if found is None or _is_own(ctx, found[1]):
        return None
    return found[1]


Group = tuple[dict[str, Any] | None, list[RenderedObject]]


def by_source(ctx: BlueprintContext, objects: list[RenderedObject]) -> list[Group]:
    """`objects` as a rule reports them: each of the platform's own alone (no upstream),
    and an upstream's all together, under its Chart.yaml entry (one place, one fix in its
    values: kube-prometheus-stack renders some fifty monitoring objects)."""
    groups: list[Group] = []
    upstreams: dict[str, list[RenderedObject]] = {}
    for obj in objects:
        dep = upstream_of(ctx, obj)
        if dep is None:
            groups.append((None, [obj]))
            continue
        key = values_key(dep)
        if key not in upstreams:
            upstreams[key] = []
            groups.append((dep, upstreams[key]))
        upstreams[key].append(obj)
    return groups


def listing(objects: list[RenderedObject], shown: int = 3) -> str:
    """`Prometheus a, PrometheusRule b, ServiceMonitor c and 45 more`."""
    names = ", ".join(f"{o.kind} {o.name}" for o in objects[:shown])
    return f"{names} and {len(objects) - shown} more" if len(objects) > shown else names


def _dependency(ctx: BlueprintContext, subchart: str) -> tuple[int, dict[str, Any]] | None:
    """The Chart.yaml entry (index, entry) that a subchart directory name stands for."""
    for index, dep in enumerate(ctx.declared_dependencies):
        if subchart in (dep.get("name"), dep.get("alias")):
            return index, dep
    return None


def _is_own(ctx: BlueprintContext, dep: dict[str, Any]) -> bool:
    if str(dep.get("name", "")) in helper_charts(ctx):
        return True
    if str(dep.get("name", "")) in {u.name for u in ctx.blueprint.upstream}:
        return False
    source = file_source(ctx.chart_dir, dep) if ctx.chart_dir is not None else None
    return source is not None and ctx.workspace.real(source).is_relative_to(ctx.root)
