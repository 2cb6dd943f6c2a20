"""Observability toggles are wired, and off means off.

Three renders prove a toggle (canon `charts.observabilityToggles`):

1. the default render contains no `monitoring.coreos.com` object;
2. an opt-in render of each toggle succeeds and produces its object
   (ServiceMonitor, PodMonitor, PrometheusRule), or visibly changes the
   output for toggles such as `tracing.enabled`: a toggle that does nothing
   is a promise the chart does not keep;
3. a render with every toggle explicitly `false` contains none.

Renders 2 and 3 have the monitoring API available (canon
`charts.monitoringApiVersions`, as `helm template --api-versions`): charts
gate ServiceMonitors on `.Capabilities.APIVersions.Has
"monitoring.coreos.com/v1"` as well as on their toggle, and off must mean off
on a Sovereign that has the Prometheus Operator too. A list-typed toggle
(`metrics.enabled: []`) is switched on by naming items, so only true/false
switches are switched in render 2. A toggle that renders nothing alone is tried
once more with the `enabled` switches of the maps around it on as well: upstream
charts gate a ServiceMonitor on `metrics.enabled` and on
`metrics.serviceMonitor.enabled` both (ingress-nginx's `controller.metrics`). A
PrometheusRule toggle is then tried with a rule to render as well: bitnami charts render
none while `prometheusRule.groups` (or `rules`) is empty, as it is by default (keycloak).
An upstream's toggle that still renders nothing is wired if the upstream's templates
read it: it waits for data a Sovereign gives (blackbox-exporter's ServiceMonitors, one
per `serviceMonitor.targets` entry); a key none of them reads is a misplaced toggle.

Each finding points at the toggle in `values.yaml` (cases 2 and 3) or at the
template that renders the object (case 1); an upstream chart's objects are one
finding at its Chart.yaml entry, to be switched off in its values. An opt-in render
that fails is reported at the template line Helm names (at the toggle when it names
none of the chart's own files, or an upstream's); one whose output is not YAML fails as `helm
template` fails it, at the template line that made the bad line (a template that is
not YAML by default too is BPG003's). When render 3 itself fails, or renders a
template that is not YAML (the monitoring API or an explicit `false` breaks the
chart), that is reported once, at the template line: every render of case 2 has the
API too and would fail the same way, blaming each toggle in turn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import Render, RenderedObject
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.manifest_refusals import refused_manifests
from blueprintc.rules.guards.object_sources import (
    by_source,
    listing,
    object_location,
    upstream_under,
    values_key,
)
from blueprintc.rules.guards.render_failures import failure_finding
from blueprintc.rules.guards.support import (
    Toggle,
    base_values,
    chart_location,
    monitoring_objects,
    smoke_mode,
    stand_in_failure,
    stubbed,
    toggles,
    usable_render,
    values_location,
    with_value,
)
from blueprintc.rules.guards.upstream_templates import reads_value
from blueprintc.rules.renders import Request


@rule(
    "BPG006",
    "observability-render",
    Severity.ERROR,
    "an observability toggle is not wired, or monitoring objects render when it is off",
    "gate each monitoring object on its toggle in the template "
    "(`{{- if .Values.serviceMonitor.enabled }}`)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    default = usable_render(ctx)
    if default is None:
        return
    base = base_values(ctx)
    found = toggles(ctx)
    apis = tuple(str(v) for v in ctx.canon.section("charts").get("monitoringApiVersions", []))
    reported = set()
    for upstream, objects in by_source(ctx, monitoring_objects(ctx, default)):
        reported.update((obj.template, obj.kind, obj.name) for obj in objects)
        yield _rendered(ctx, upstream, objects, "the default render contains", _OPT_IN)
    if not found:
        return
    if base is None and smoke_mode(ctx) == "default-off" and not default.objects():
        return  # its gate keeps every toggle from rendering anything (BPG011 says so)
    # values.yaml has every switch false already: the same render as the defaults' (and
    # as `_wired`'s baseline), made once.
    off = base
    if base is not None or any(t.switch and t.default is not False for t in found):
        off = dict(base or {})
        for toggle in found:
            if toggle.switch:
                off = with_value(off, toggle.path, False)
    switched = [t for t in found if t.switch and not stubbed(ctx, t.path)]
    baseline = [(base, apis)] if any(t.produces == "change" for t in switched) else []
    ons = [(with_value(base, t.path, True), apis) for t in switched]
    ctx.render_all([(off, apis), *baseline, *ons])  # at once, when the chart is slow
    explicit_off = ctx.render(off, apis)  # render 3: the API there, every toggle false
    broken = _broken_with_the_api(ctx, explicit_off, default, apis)
    if broken is not None:
        yield from broken  # every render below has the API: reported once, here
        return
    if ctx.renders_at_once:  # the gated retries of the toggles that look unwired, too
        ctx.render_all(_gated_retries(ctx, switched, base, apis))
    for toggle in found:
        if not toggle.switch:
            continue  # a list-typed toggle (a metrics list) is switched on by naming items
        if stubbed(ctx, toggle.path):
            continue  # its subchart is not built: a stub renders nothing (BPG011 says so)
        on = ctx.render(with_value(base, toggle.path, True), apis)
        where = values_location(ctx, toggle.path)
        if on.failure is not None:
            if stand_in_failure(ctx, on.failure):
                continue  # caused by a dependency that is not built (BPG011)
            message = f"rendering with {toggle.dotted}=true fails: {on.failure.message}"
            yield failure_finding(ctx, on.failure, message, where, cause=where)
            continue
        unparsable = refused_manifests(ctx, on, reported=default.manifests)
        for failure in unparsable:  # Helm refuses it as it refuses a failed render
            message = f"rendering with {toggle.dotted}=true fails: {failure.message}"
            yield failure_finding(ctx, failure, message, where, cause=where)
        if unparsable:
            continue
        wired, effect = _wired(ctx, toggle, on, base, apis)
        if not wired and not _wired_behind_gates(ctx, toggle, base, apis):
            upstream = upstream_under(ctx, toggle.path[0])
            read = None if upstream is None else reads_value(ctx, upstream, toggle.path[1:])
            if read:
                continue  # the upstream's own toggle, waiting for data (see below)
            message = f"{toggle.dotted}=true {effect}: the toggle is not wired"
            if upstream is None:
                hint = _unread(ctx, toggle)
            else:
                hint = None if read is None else _misplaced(upstream, toggle)
            yield Finding(message, where, hint)
    still = [
        obj
        for obj in (monitoring_objects(ctx, explicit_off) if explicit_off.ok else [])
        if (obj.template, obj.kind, obj.name) not in reported  # else reported once, above
    ]
    for upstream, objects in by_source(ctx, still):
        prefix = "with every toggle explicitly false the render still contains"
        yield _rendered(ctx, upstream, objects, prefix, "")


def _wired(
    ctx: BlueprintContext,
    toggle: Toggle,
    on: Render,
    base: dict[str, Any] | None,
    apis: tuple[str, ...],
) -> tuple[bool, str]:
    """Whether the render with the toggle on shows it wired, and what it lacks if not;
    `base`: the same values with the toggle as it was (for a toggle that changes things)."""
    kinds = {o.kind for o in monitoring_objects(ctx, on)}
    if toggle.produces == "change":
        same_apis = ctx.render(base, apis)  # the baseline with the same APIs
        return on.manifests != same_apis.manifests, "changes nothing in the output"
    if toggle.produces == "any":
        return bool(kinds), "renders no monitoring.coreos.com object"
    return toggle.produces in kinds, f"renders no {toggle.produces}"


def _wired_behind_gates(
    ctx: BlueprintContext, toggle: Toggle, base: dict[str, Any] | None, apis: tuple[str, ...]
) -> bool:
    """Whether the toggle is wired once the `enabled` switches of the maps around it are
    on too: upstream charts gate a ServiceMonitor on `metrics.enabled` as well as on
    `metrics.serviceMonitor.enabled` (ingress-nginx's `controller.metrics`), so the
    toggle alone renders nothing; a PrometheusRule's, also once it has a rule to render
    (`_RULE_PROBES`). Only asked of a toggle that looked unwired."""
    for values in _gate_tries(toggle, base):
        render = ctx.render(with_value(values, toggle.path, True), apis)
        if render.ok:  # one render each, as a chart can take seconds (etcd: an RSA key)
            return _wired(ctx, toggle, render, values, apis)[0]
    return False


def _gate_tries(toggle: Toggle, base: dict[str, Any] | None) -> list[dict[str, Any] | None]:
    """The values `_wired_behind_gates` tries in turn, the toggle still as it was: its
    maps' `enabled` switches on, and first, for a PrometheusRule toggle, a rule too."""
    own = toggle.path[:-1]
    gates = [(*own[:size], "enabled") for size in range(len(own) - 1, 0, -1)]
    gated = base
    for gate in gates:
        gated = with_value(gated, gate, True)
    tries = [gated] if gates else []
    if toggle.produces == "PrometheusRule":
        with_rules = gated
        for key, probe in _RULE_PROBES.items():
            with_rules = with_value(with_rules, (*own, key), probe)
        tries.insert(0, with_rules)  # a rule only adds: the gated render alone if it fails
    return tries


def _gated_retries(
    ctx: BlueprintContext,
    switched: list[Toggle],
    base: dict[str, Any] | None,
    apis: tuple[str, ...],
) -> list[Request]:
    """The first render `_wired_behind_gates` will make for each toggle whose own render
    shows it unwired (made already: `render_all` had them)."""
    found = []
    for toggle in switched:
        on = ctx.render(with_value(base, toggle.path, True), apis)
        tries = _gate_tries(toggle, base)
        if tries and on.ok and not _wired(ctx, toggle, on, base, apis)[0]:
            found.append((with_value(tries[0], toggle.path, True), apis))
    return found


def _unread(ctx: BlueprintContext, toggle: Toggle) -> str | None:
    """A toggle whose map no template of the chart names has nothing to gate (three charts
    of the real platform repository: a `serviceMonitor.enabled` in values.yaml and no
    ServiceMonitor template): the fix is the template, or no toggle. None (the rule's
    own hint) when a template names the map."""
    key = str(toggle.path[0])
    named = re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])")
    if any(named.search(template.text) for template in ctx.templates):
        return None
    what = _PROMISED.get(toggle.produces, toggle.produces)
    return (
        f"no template of the chart reads `.Values.{key}`: add the {what} the toggle "
        f"promises, gated on it (`{{{{- if .Values.{toggle.dotted} }}}}`), or remove "
        f"`{key}:` from values.yaml"
    )


_PROMISED = {"change": "setting", "any": "monitoring object"}


def _misplaced(upstream: dict[str, Any], toggle: Toggle) -> str:
    """An upstream's toggle is wired when its templates read it, though it renders
    nothing until a Sovereign gives data (blackbox-exporter's ServiceMonitors, one per
    `serviceMonitor.targets` entry: no probe can guess one). One that no template of
    the upstream reads is not the upstream's: the fix is in values.yaml."""
    name, key = upstream.get("name"), values_key(upstream)
    inner = ".".join(toggle.path[1:])
    return (
        f"no template of the upstream {name} reads `.Values.{inner}`: it is not {name}'s "
        f"toggle. Remove it from under `{key}:`, or set the toggle {name} has (its "
        "values.yaml lists them)"
    )


# A rule to render, for a PrometheusRule toggle whose chart renders none without one:
# bitnami's keycloak gates on `metrics.prometheusRule.groups` too (empty by default),
# others on `rules`. Given under both keys, as a group and as a rule: a chart reads one.
_RULE = {"alert": "BlueprintcProbe", "expr": "vector(1)"}
_RULE_PROBES = {"groups": [{"name": "blueprintc-probe", "rules": [_RULE]}], "rules": [_RULE]}


_OPT_IN = "; monitoring objects must be opt-in"


def _rendered(
    ctx: BlueprintContext,
    upstream: dict[str, Any] | None,
    objects: list[RenderedObject],
    prefix: str,
    suffix: str,
) -> Finding:
    """Monitoring objects where they should not be: one of the chart's own at its template
    line, or an upstream's all at once, with the fix in its values."""
    where = object_location(ctx, objects[0])
    if upstream is None:
        return Finding(f"{prefix} {objects[0].kind} {objects[0].name}{suffix}", where)
    name, key = upstream.get("name"), values_key(upstream)
    count = f"{len(objects)} monitoring object(s) of the upstream {name}"
    return Finding(
        f"{prefix} {count}: {listing(objects)}{suffix}",
        where,
        hint=f"switch them off in values.yaml under `{key}:` with {name}'s own settings "
        "(its serviceMonitor, podMonitor and rule toggles); a Sovereign's overlay turns "
        "them on",
    )


def _broken_with_the_api(
    ctx: BlueprintContext, explicit_off: Render, default: Render, apis: tuple[str, ...]
) -> list[Finding] | None:
    """What fails once the monitoring API is available and every toggle is false, though
    the default render succeeds: a failure, or a template whose output is then not
    YAML. Every opt-in render has the API too and would fail the same way, blaming its
    toggle. None when nothing does, or when a dependency not built explains the
    failure (BPG011's)."""
    failure = explicit_off.failure
    if failure is not None:
        if stand_in_failure(ctx, failure):
            return None  # each render is judged on its own, as before
        failures = [failure]
    else:
        failures = refused_manifests(ctx, explicit_off, reported=default.manifests)
        if not failures:
            return None
    api = apis[0] if apis else "the monitoring API"
    what = (
        f"with {api} available and every toggle false (a Sovereign running the "
        "Prometheus Operator, observability off) the render fails"
    )
    fallback = chart_location(ctx, ("name",))
    return [failure_finding(ctx, f, f"{what}: {f.message}", fallback) for f in failures]


RULE = check
