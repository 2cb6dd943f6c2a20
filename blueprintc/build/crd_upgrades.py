"""BPG020 and BPG021 under `lint --since REF`: a chart's `crds/` changed since the ref.

No upgrade applies a chart's `crds/` (Helm installs them on a first install only, and
the HelmReleases blueprintc emits keep Flux's `upgrade.crds: Skip`), so a CRD new since
the base never reaches a cluster the release is installed on, and a changed one stays as
it was there. The CRDs are compared by name between the chart as it is and as the base
holds it (`base_charts`), as Helm loads them: the chart's own `crds/` and its
subcharts'. A subchart stood in for by a stub at either end (a registry's chart not
built: `--dependency-build` builds it) is left out: what it ships cannot be known there.
A new CRD whose kind the chart's default render holds objects of is BPG020, an error
(the upgrade fails on them); a new one without such objects, or a changed one, is
BPG021, a warning.
"""

from __future__ import annotations

import functools
from typing import Any

from blueprintc import crds, helm
from blueprintc.build.base_charts import ChartPair, default_render, readable
from blueprintc.build.changed import dependents
from blueprintc.diagnostics import Finding, Location
from blueprintc.helm import chart_relative, subchart_of
from blueprintc.rules.base import Rule
from blueprintc.rules.guarded import GuardedContext, Refused
from blueprintc.rules.guards.crd_upgrades import CHANGED_CRD, NEW_CRD
from blueprintc.rules.guards.object_sources import subchart_location
from blueprintc.rules.naming.text import position
from blueprintc.source import InputError

_NOT_APPLIED = (
    "an upgrade never applies a chart's crds/ (Helm installs them on a first install "
    "only, and Flux's HelmRelease `upgrade.crds` defaults to Skip, which blueprintc's "
    "HelmReleases keep)"
)


def crd_upgrades(pair: ChartPair) -> list[tuple[Rule, Finding]]:
    """BPG020 or BPG021 for each CRD of the chart's crds/ new or changed since the base."""
    now, then = _crds(pair.now), _crds(pair.then)
    if now is None or then is None:
        return []
    users = functools.cache(lambda: _kind_users(pair))  # rendered only for a new CRD
    found = []
    for name, (filename, body) in now.items():
        subchart = subchart_of(chart_relative(filename))
        if subchart is not None and (_stubbed(pair.now, subchart) or _stubbed(pair.then, subchart)):
            continue
        old = then.get(name)
        if old is not None and old[1] == body:
            continue
        where = _location(pair.now, filename, name, subchart)
        file = chart_relative(filename)
        kind = crds.crd_kind(body)
        if old is not None:
            message = (
                f"CustomResourceDefinition {name} in {file} changed since {pair.since}, and "
                f"{_NOT_APPLIED}: a cluster where the release is installed keeps the old "
                "definition, so a field or version it lacks is pruned or not served"
            )
            found.append((CHANGED_CRD, Finding(message, where, CHANGED_CRD.hint)))
        elif kind is not None and kind in users():
            user = users()[kind]
            whose = f"of {user}, which depends on it," if user else "of the chart itself"
            message = (
                f"CustomResourceDefinition {name} is new in {file} since {pair.since}, and "
                f"{_NOT_APPLIED}: on a cluster where the release is installed, the "
                f'{kind[1]} objects {whose} fail (`no matches for kind "{kind[1]}"`)'
            )
            found.append((NEW_CRD, Finding(message, where, NEW_CRD.hint)))
        else:
            message = (
                f"CustomResourceDefinition {name} is new in {file} since {pair.since}, and "
                f"{_NOT_APPLIED}: a cluster where the release is installed never gets it"
            )
            found.append((CHANGED_CRD, Finding(message, where, CHANGED_CRD.hint)))
    return found


def _crds(ctx: GuardedContext) -> dict[str, tuple[str, dict[str, Any]]] | None:
    """The chart's crds/ CRDs by name, each with its file as Helm names it (None: the
    chart does not load)."""
    try:
        files = crds.chart_crd_files(ctx.render_chart)
    except (InputError, Refused, helm.ChartLoadError, helm.HelmAborted, ValueError):
        return None
    found = {}
    for filename, body in files:
        metadata = body.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        if body.get("kind") == crds.CRD_KIND and isinstance(name, str):
            found[name] = (filename, body)
    return found


def _kind_users(pair: ChartPair) -> dict[crds.KindKey, str]:
    """Who renders objects of each kind: the chart itself (""), else the name of a
    Blueprint that depends on it (`spec.depends`: where the canon puts custom resources,
    BPG009)."""
    users = dict.fromkeys(_rendered_kinds(pair.now), "")
    comparison = pair.comparison
    for node in dependents(comparison.nodes, pair.now.blueprint.name or ""):
        if node.blueprint is None or node.blueprint.manifest_kind != "helm":
            continue
        ctx = GuardedContext(comparison.workspace, node.blueprint, False, pair.now.offline, (), 1)
        try:
            kinds = _rendered_kinds(ctx) if readable(ctx) else set()
        finally:
            ctx.close()
        for kind in kinds:
            users.setdefault(kind, node.name)
    return users


def _rendered_kinds(ctx: GuardedContext) -> set[crds.KindKey]:
    render = default_render(ctx)
    return {crds.object_kind(obj) for obj in render.objects()} if render is not None else set()


def _stubbed(ctx: GuardedContext, subchart: str) -> bool:
    made = ctx.stand_in
    return made is not None and subchart in made.stub_keys


def _location(ctx: GuardedContext, filename: str, name: str, subchart: str | None) -> Location:
    """The CRD's `name:` line in the chart's own crds/ file; a subchart's Chart.yaml entry."""
    if subchart is not None or ctx.chart_dir is None:
        return subchart_location(ctx, subchart or "")
    path = ctx.chart_dir / chart_relative(filename)
    text = ctx.read(path).text
    offset = text.find(f"name: {name}")
    line, column = position(text, offset) if offset >= 0 else (1, 1)
    return Location(ctx.rel(path), line, column)
