"""Shared pieces of the chart guards: toggles, base values, and locating rendered objects."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from blueprintc.chartsources import names_chart
from blueprintc.diagnostics import Location
from blueprintc.helm import Render, RenderedObject, RenderFailure
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.stray_keys import stray_top_keys
from blueprintc.yamldoc import PathKey, YamlDoc, json_path


@dataclass(frozen=True)
class Toggle:
    path: PathKey  # e.g. ("metrics-collector", "serviceMonitor", "enabled")
    produces: str  # a monitoring kind, "any" monitoring object, or "change"
    default: Any

    @property
    def dotted(self) -> str:
        return json_path(self.path)

    @property
    def off(self) -> bool:
        """`false`, `null`, `[]` or `""`: off, as the toggle's owner means it (upstream
        toggles may be lists, e.g. a list of metrics to enable)."""
        return self.default is False or self.default in (None, "", [], {})

    @property
    def switch(self) -> bool:
        """A true/false switch (a list-typed toggle is switched on by naming items)."""
        return isinstance(self.default, bool)


def yaml_text(value: Any) -> str:
    """A value as YAML writes it (`true`, `null`, `[]`, `"on"`), for messages."""
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value, default=str)


def chart_location(ctx: BlueprintContext, path: PathKey, key: bool = True) -> Location:
    doc = ctx.chart_yaml
    assert doc is not None
    return doc_location(doc, path, key)


def values_location(ctx: BlueprintContext, path: PathKey, key: bool = False) -> Location:
    doc = ctx.values_yaml
    assert doc is not None
    return doc_location(doc, path, key)


def values_file(ctx: BlueprintContext) -> str:
    """The chart's values.yaml, as the workspace names it (whether or not it exists)."""
    assert ctx.chart_dir is not None
    return ctx.rel(ctx.chart_dir / "values.yaml")


def doc_location(doc: YamlDoc, path: PathKey, key: bool = False) -> Location:
    line, column = doc.locate(path, key=key)
    return Location(doc.source.rel, line, column, json_path(path))


def is_helm(ctx: BlueprintContext) -> bool:
    return ctx.chart_dir is not None and ctx.chart_yaml is not None


def is_hollow(ctx: BlueprintContext) -> bool:
    """GUARD 1's hollow chart: no dependency declared, and no no-upstream annotation
    (unless the dependencies cannot be told: BPS004 reports that)."""
    if unclear_dependencies(ctx):
        return False
    return not ctx.declared_dependencies and ctx.annotation("noUpstream") != "true"


def unclear_dependencies(ctx: BlueprintContext) -> bool:
    """Chart.yaml's `dependencies` does not say which charts: not a list, or an entry
    that is not a mapping with a `name` (BPS004 reports it, at its line)."""
    raw = ctx.chart_meta.get("dependencies")
    if raw is None:
        return False
    if not isinstance(raw, list):
        return True
    return not all(names_chart(d) for d in raw)


def missing_dependencies(ctx: BlueprintContext) -> list[dict[str, Any]]:
    """Helm's status of each declared dependency that is not in `charts/`."""
    if not ctx.declared_dependencies or ctx.chart_dir is None:
        return []
    return [d for d in ctx.dependency_status if d.get("status") not in ("ok", "unpacked")]


def dependencies_missing(ctx: BlueprintContext) -> bool:
    """Helm renders a chart with absent subcharts as if they were empty: never trust it."""
    return bool(missing_dependencies(ctx))


def renderable(ctx: BlueprintContext) -> bool:
    """A render can be trusted: every dependency is in `charts/`, or a stand-in holds
    the absent ones (the guards then say what they ran on); and it may be made: not
    under `--offline` when it would fetch a remote schema (BPG011 says so)."""
    if not ctx.may_render:
        return False
    return not dependencies_missing(ctx) or ctx.stand_in is not None


def stand_in_failure(ctx: BlueprintContext, failure: RenderFailure) -> bool:
    """A render failure the stand-in may have caused, so no defect: a named template of a
    dependency that is not built, or a subchart's values (their defaults live in the
    subchart's own values.yaml, which a stub lacks) read where it failed."""
    made = ctx.stand_in
    if made is None or "parse error" in failure.message:
        return False  # a template that does not parse is broken whatever renders it
    if 'no template "' in failure.message:
        return True
    source = ctx.template_source(failure.template)
    line = source.line_text(failure.line) if source is not None else ""
    return any(
        f".Values.{key}" in text or f'.Values "{key}"' in text or f"<.Values.{key}" in text
        for key in made.stub_keys
        for text in (failure.message, line)
    )


def stubbed(ctx: BlueprintContext, path: PathKey) -> bool:
    """`path` of the umbrella values configures a dependency stood in for by a stub:
    nothing of that subchart renders, so nothing about it can be proven."""
    made = ctx.stand_in
    return made is not None and bool(path) and str(path[0]) in made.stub_keys


def smoke_mode(ctx: BlueprintContext) -> str | None:
    return ctx.annotation("smokeRenderMode")


def ci_values(ctx: BlueprintContext) -> dict[str, Any] | None:
    """Values from `chart/ci/*-values.yaml` (chart-testing's convention), first by name
    (read once per Blueprint: several guards ask; treat as read-only)."""
    return ctx.remember("ci_values", lambda: _ci_values(ctx))


def _ci_values(ctx: BlueprintContext) -> dict[str, Any] | None:
    assert ctx.chart_dir is not None
    ci = ctx.chart_dir / "ci"
    if not ci.is_dir():
        return None
    for path in sorted(ci.glob("*values.yaml")):
        data = ctx.load(path).data
        if isinstance(data, dict):
            return data
    return None


# Smoke-render modes whose default render is not the chart at work: it fails on a value
# the per-cluster overlay supplies, or a master gate keeps it from rendering anything.
OVERLAID_MODES = ("requires-overlay", "default-off")


def base_values(ctx: BlueprintContext) -> dict[str, Any] | None:
    """Values that render the chart at work: none, or the CI overlay of a
    `requires-overlay` chart (its defaults fail by design) or a `default-off` one (its
    defaults render nothing by design). A `default-off` chart with no CI overlay is
    turned on by its master gate, `enabled: true`, the canon's `default-off` shape,
    where that renders."""
    mode = smoke_mode(ctx)
    if mode not in OVERLAID_MODES:
        return None
    values = ci_values(ctx)
    if values is None and mode == "default-off":
        gate_on = master_gate_on(ctx)
        if gate_on is not None and ctx.render(gate_on).ok:
            return gate_on
    return values


def master_gate_on(ctx: BlueprintContext) -> dict[str, Any] | None:
    """`enabled: true`, when the chart's values.yaml has the canon's master gate off
    (`enabled: false`), else None."""
    return {"enabled": True} if ctx.values.get("enabled") is False else None


def usable_render(ctx: BlueprintContext) -> Render | None:
    """The render the guards check: the defaults', or the CI overlay's for a
    `requires-overlay` chart whose defaults fail and for a `default-off` chart (its
    defaults render nothing).

    None when no successful render is possible (the smoke guard reports why).
    """
    if not is_helm(ctx) or not renderable(ctx):
        return None
    render = ctx.render(None)
    values = base_values(ctx)
    if values is not None and (smoke_mode(ctx) == "default-off" or not render.ok):
        overlaid = ctx.render(values)
        if overlaid.ok:
            return overlaid
    return render if render.ok else None


def usable_values(ctx: BlueprintContext) -> dict[str, Any] | None:
    """The values `usable_render` renders with: None for the defaults, else
    `base_values` (to render the chart again the same way: another namespace, a later
    version)."""
    render = usable_render(ctx)
    return None if render is None or render is ctx.render(None) else base_values(ctx)


def with_value(values: dict[str, Any] | None, path: PathKey, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(values) if values else {}
    node = result
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[str(part)] = {}
        node = child
    node[str(path[-1])] = value
    return result


def toggles(ctx: BlueprintContext) -> list[Toggle]:
    """Every observability toggle in the umbrella values, subchart sections included,
    but none below a key Helm gives to no chart (BPG015's); worked out once per
    Blueprint: two rules ask."""
    return list(ctx.remember("toggles", lambda: _toggles(ctx)))


def _toggles(ctx: BlueprintContext) -> list[Toggle]:
    specs = [
        (tuple(str(t["key"]).split(".")), str(t["produces"]))
        for t in ctx.canon.section("charts").get("observabilityToggles", [])
    ]
    by_last: dict[str, list[tuple[PathKey, str]]] = {}
    for suffix, produces in specs:
        by_last.setdefault(suffix[-1], []).append((suffix, produces))
    found: dict[PathKey, Toggle] = {}
    stray = stray_top_keys(ctx)  # values that reach no chart (BPG015 says so): no toggles
    for path, value in _leaves(ctx.values, (), []):
        if path[0] in stray:
            continue
        # A suffix can only match a path that ends with its last key.
        for suffix, produces in by_last.get(path[-1], ()) if path else ():
            matches = len(path) >= len(suffix) and tuple(path[-len(suffix) :]) == suffix
            if matches and path not in found:
                found[path] = Toggle(path, produces, value)
    return [found[p] for p in sorted(found, key=lambda p: [str(x) for x in p])]


def _leaves(
    node: dict[Any, Any], path: PathKey, out: list[tuple[PathKey, Any]]
) -> list[tuple[PathKey, Any]]:
    """Every non-mapping value below `node` with its path (keys as strings), in order."""
    for key, value in node.items():
        child = (*path, str(key))
        if isinstance(value, dict):
            _leaves(value, child, out)
        else:
            out.append((child, value))
    return out


def monitoring_objects(ctx: BlueprintContext, render: Render) -> list[RenderedObject]:
    group = str(ctx.canon.section("charts").get("monitoringApiGroup", "monitoring.coreos.com"))
    # An object of that API group names it in its apiVersion, so only templates
    # whose text mentions the group need parsing.
    return [o for o in render.objects_mentioning(group) if o.api_version.split("/")[0] == group]


def is_object_list(body: Any) -> bool:
    """`v1 List`, or a kind's own list (`ConfigMapList`): a wrapper whose `items` Helm
    applies one by one, each an object of its own."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return False
    kind = body.get("kind")
    return isinstance(kind, str) and kind.endswith("List")
