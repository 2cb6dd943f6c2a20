"""BPP033 among Applications: an object two Applications of one vcluster would own.

An Organization's Applications of one Environment share a vcluster per region, each
installed as its own release (named after the Application, into a namespace of that
name). Flux's Helm takes over an object that exists, whoever owns it (see
`kit_ownership`), so two of them that render the same cluster-scoped object (a
ClusterRole, a PriorityClass, a CRD in `templates/`), or the same object in a namespace
the chart names, take it from each other at every install and upgrade, and
uninstalling either deletes it from under the other.

Applications of one Blueprint share a render (`RenderCache.facts_for`, under the
Blueprint's name), where a name made from the release name looks the same for all of
them. So the shared renders only point at candidates: an object two Applications of a
vcluster render alike there. Each candidate's Applications are rendered again as they
are installed, under their own release name and namespace, and only an object both
of those renders hold is reported: a name made from the release name never is. The
extra renders are one per such Application and Environment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from blueprintc.compile.apps import AppPlan, emitted_values
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import Inputs
from blueprintc.compile.release_objects import (
    CLUSTER_SCOPED,
    TAKEN_OVER,
    cluster_keys,
    shown_objects,
)
from blueprintc.compile.render_check import RenderCache, RenderFacts, shared_namespace
from blueprintc.diagnostics import Diagnostic
from blueprintc.owned_objects import ObjectKey


@dataclass
class _Clash:
    """What one Application renders of what an earlier one of its vcluster renders."""

    later: AppPlan
    first: AppPlan
    keys: set[ObjectKey] = field(default_factory=set)
    environments: list[str] = field(default_factory=list)


def app_ownership(inputs: Inputs, planned: list[AppPlan], cache: RenderCache) -> list[Diagnostic]:
    """BPP033 for each Application (in plan order) that renders an object an earlier
    Application of a vcluster it runs in renders too: one finding per pair, naming its
    Environments, at the later Application."""
    vclusters: dict[tuple[str, str], list[AppPlan]] = defaultdict(list)
    for plan in planned:
        assert plan.placement is not None
        for region in plan.placement.regions:
            vclusters[(plan.env.env_type, region)].append(plan)
    clashes: dict[tuple[str, str], _Clash] = {}
    for (env_type, _), plans in vclusters.items():
        for key, owners in _owners(inputs, plans, cache).items():
            first = owners[0]
            for later in owners[1:]:
                clash = clashes.setdefault((later.app.name, first.app.name), _Clash(later, first))
                clash.keys.add(key)
                if env_type not in clash.environments:
                    clash.environments.append(env_type)
    return [_finding(clash) for clash in clashes.values()]


def _owners(
    inputs: Inputs, plans: list[AppPlan], cache: RenderCache
) -> dict[ObjectKey, list[AppPlan]]:
    """The objects of one vcluster that more than one of `plans` installs, each with
    those plans in order."""
    shared = {id(plan): release_facts(inputs, plan, cache, installed=False) for plan in plans}
    kinds = CLUSTER_SCOPED.union(*(f.cluster_kinds for f in shared.values() if f is not None))
    candidates: dict[ObjectKey, list[AppPlan]] = defaultdict(list)
    for plan in plans:
        facts = shared[id(plan)]
        if facts is not None:
            assert plan.entry is not None
            into = (shared_namespace(plan.entry.name),)
            for key in cluster_keys(facts.objects, kinds, into, plan.app.name):
                candidates[key].append(plan)
    owners: dict[ObjectKey, list[AppPlan]] = {}
    for key, group in sorted(candidates.items()):
        if len(group) < 2:
            continue
        confirmed = [plan for plan in group if key in _installed_keys(inputs, plan, cache, kinds)]
        if len(confirmed) > 1:
            owners[key] = confirmed
    return owners


def _installed_keys(
    inputs: Inputs, plan: AppPlan, cache: RenderCache, kinds: frozenset[tuple[str, str]]
) -> list[ObjectKey]:
    facts = release_facts(inputs, plan, cache, installed=True)
    if facts is None:
        return []
    return cluster_keys(facts.objects, kinds, (plan.app.name,), plan.app.name)


def release_facts(
    inputs: Inputs, plan: AppPlan, cache: RenderCache, installed: bool
) -> RenderFacts | None:
    """The Application's render: shared with its Blueprint's other Applications of the
    same values, or (`installed`) under its own release name and namespace, as Flux
    installs it (`repos.app_branch_files`). None when it does not render."""
    assert plan.entry is not None and inputs.sovereign is not None
    release = (plan.app.name, plan.app.name) if installed else None
    facts = cache.facts_for(plan.entry, emitted_values(plan, inputs.sovereign), release)
    return facts if facts is not None and facts.error is None else None


def _finding(clash: _Clash) -> Diagnostic:
    later, first = clash.later.app.name, clash.first.app.name
    return report(
        "BPP033",
        f"Application {later} ({', '.join(clash.environments)}) renders "
        f"{shown_objects(sorted(clash.keys))}, which Application {first} renders too, in a "
        f"vcluster both run in: {TAKEN_OVER}",
        at(clash.later.org.doc, clash.later.app.path),
        f"let one Application own it: turn it off in {later}'s `config:` (or {first}'s), or "
        "name it after the release in its chart (`{{ .Release.Name }}`)",
    )
