"""Install order against CRDs, from what releases render (kit and Applications alike).

A release that renders a custom resource whose CRD another release installs must
depend on that release, directly or transitively: Flux orders releases only by
`dependsOn`, and on a fresh cluster the apply of a resource whose CRD is not there
yet fails with "no matches for kind" (BPP027). A release that renders a custom
resource of a CRD it installs itself is the canon's CRD-and-CR finding (BPG009).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blueprintc.compile.render_check import RenderFacts
from blueprintc.crds import KindKey

_SHOWN = 3


@dataclass(frozen=True)
class CrdProblem:
    release: str
    installer: str | None  # the release that installs the CRDs; None: `release` itself
    objects: tuple[str, ...]  # "Kind name (group)"
    subcharts: tuple[str, ...] = ()  # the subcharts that render them (their values' keys)
    templated: bool = True  # a CRD of theirs is rendered (not only in a chart's crds/)

    @property
    def listed(self) -> str:
        return listed(self.objects)


def listed(objects: tuple[str, ...]) -> str:
    """The first few objects, and how many more."""
    shown = ", ".join(objects[:_SHOWN])
    extra = len(objects) - _SHOWN
    return shown if extra <= 0 else f"{shown} and {extra} more"


def own_crd_message(subject: str, problem: CrdProblem) -> str:
    """A rendered CRD goes to the API server with the custom resources; Helm creates a
    `crds/` one before them, but on the first install only (lint's BPG009 says why the
    canon splits both)."""
    why = (
        "on a fresh cluster the apply fails with 'no matches for kind'"
        if problem.templated
        else "Helm creates a crds/ CRD on the first install only and no upgrade updates "
        "it (Flux's `upgrade.crds: Skip`), so the canon splits them into two releases"
    )
    return (
        f"{subject} renders {problem.listed}, a custom resource of a CRD the same release "
        f"installs: {why}"
    )


def own_crd_hint(problem: CrdProblem, values: str) -> str | None:
    """The fix when a subchart (an upstream such as velero, whose default values create a
    BackupStorageLocation) renders the custom resources: its values, set in `values` (the
    kit entry's, the Application's) or the Blueprint's values.yaml; None: the rule's own
    hint (split the chart)."""
    if not problem.subcharts:
        return None
    keys = ", ".join(f"`{key}:`" for key in problem.subcharts)
    return (
        f"the subchart {', '.join(problem.subcharts)} renders them: switch them off in its "
        f"values (under {keys} in {values} or in the Blueprint's values.yaml), or move them "
        "into a Blueprint that depends on this one"
    )


def crd_problems(facts: dict[str, RenderFacts], depends: dict[str, list[str]]) -> list[CrdProblem]:
    """Every release's problems, by release name then installer. `facts`: the releases
    that rendered; `depends`: each release's direct dependencies, by name."""
    installers: dict[KindKey, list[str]] = {}
    for name, fact in sorted(facts.items()):
        for kind in fact.crds:
            installers.setdefault(kind, []).append(name)
    problems = []
    for name, fact in sorted(facts.items()):
        below = _transitive(name, depends)
        own: list[str] = []
        templated = False
        subcharts: set[str] = set()
        missing: dict[str, list[str]] = {}
        for group, kind, object_name, subchart, _ in fact.custom_resources:
            described = f"{kind} {object_name} ({group})"
            if (group, kind) in fact.crds:
                own.append(described)
                templated = templated or (group, kind) not in fact.shipped_crds
                subcharts.update([subchart] if subchart else [])
                continue
            owners = [o for o in installers.get((group, kind), []) if o != name]
            if owners and not below.intersection(owners):
                missing.setdefault(owners[0], []).append(described)
        if own:
            problems.append(CrdProblem(name, None, tuple(own), tuple(sorted(subcharts)), templated))
        problems += [CrdProblem(name, o, tuple(objs)) for o, objs in sorted(missing.items())]
    return problems


def _transitive(name: str, depends: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(depends.get(name, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(depends.get(current, []))
    return seen


def unserved_kinds(
    facts: dict[str, RenderFacts], served: Callable[[KindKey], bool]
) -> dict[str, list[tuple[str, str, str]]]:
    """Each release's custom resources (group, kind, name) of a kind no release installs
    (`crds/`, rendered CRDs, `runtime_crds`) and `served` (the cluster's own) does not
    know; by release name. Nothing when one release installs CRDs of groups it does not
    name (a Crossplane provider): what is served cannot be told then."""
    if any(fact.installs_unknown for fact in facts.values()):
        return {}
    kinds = {kind for fact in facts.values() for kind in fact.crds}
    groups = {group for fact in facts.values() for group in fact.crd_groups}
    found = {}
    for name, fact in sorted(facts.items()):
        objects = [
            (group, kind, object_name)
            for group, kind, object_name, _, _ in fact.custom_resources
            if (group, kind) not in kinds and group not in groups and not served((group, kind))
        ]
        if objects:
            found[name] = objects
    return found


def unserved_versions(
    facts: dict[str, RenderFacts], served: Callable[[KindKey], bool]
) -> dict[str, list[tuple[str, str, str, str, tuple[str, ...]]]]:
    """Each release's custom resources written at a version that no kit CRD of their kind
    serves: (group, kind, name, version, the versions served, oldest first), by release.
    Not for a kind `served` knows apart from the kit (the cluster's own CRD may serve
    more), nor one of a group a controller registers (its versions are not known)."""
    from blueprintc.validate.extra_schemas import version_priority

    versions: dict[KindKey, set[str]] = {}
    for fact in facts.values():
        for group, kind, version in fact.crd_versions:
            versions.setdefault((group, kind), set()).add(version)
    groups = {group for fact in facts.values() for group in fact.crd_groups}
    found = {}
    for name, fact in sorted(facts.items()):
        wrong = [
            (group, kind, object_name, version, tuple(sorted(have, key=version_priority)))
            for group, kind, object_name, _, version in fact.custom_resources
            if (have := versions.get((group, kind))) is not None
            and version not in have
            and group not in groups
            and not served((group, kind))
        ]
        if wrong:
            found[name] = wrong
    return found
