"""What compile checks of each Application from its render: BPP016 (it renders; one
finding for a failure shared by its Environments), BPG017 (no image tag written as a
number), BPG024 (no image its publisher retired), BPP009 (no control-plane NodePort),
BPP010 (a CNPG database needs two regions), and, across the Applications of an
Environment, install order against CRDs (BPG009, BPP027)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from blueprintc.compile.apps import AppPlan, emitted_values
from blueprintc.compile.crd_order import crd_problems, own_crd_hint, own_crd_message
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import Inputs
from blueprintc.compile.refused_values import failure_places, subchart_failure_hint
from blueprintc.compile.render_check import RenderCache, RenderFacts, uses_cnpg
from blueprintc.compile.retired_values import retired_image_values
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.image_tags import misprinted_tag, printed_as_tags
from blueprintc.plan.values import Merged
from blueprintc.yamldoc import json_path, plain_scalar_at

# What `one_finding_per_failure` reads of a BPP016 (Diagnostic.extra; reporters ignore it).
_APPLICATION, _ENVIRONMENTS, _ERROR, _STAGE = "application", "environments", "render_error", "stage"


def render_checks(inputs: Inputs, plan: AppPlan, cache: RenderCache) -> list[Diagnostic]:
    assert plan.entry is not None and plan.placement is not None and inputs.sovereign
    facts = cache.facts_for(plan.entry, emitted_values(plan, inputs.sovereign))
    where = at(plan.org.doc, plan.app.path)
    found = []
    if facts is not None and facts.error is not None:
        hint = facts.hint or subchart_failure_hint(facts.error, "the Application's `config:`")
        for error, place, fix in failure_places(
            facts.error, plan.entry.chart_name, plan.values, where, hint
        ):
            found.append(
                _not_rendered(plan.app.name, plan.env.env_type, error, place, fix, facts.stage)
            )
    if facts is not None and facts.number_tags and plan.values is not None:
        subject = f"Application {plan.app.name}"
        found.extend(image_tag_numbers(inputs, subject, plan.values, facts))
    if facts is not None and facts.retired_images and plan.values is not None:
        subject = f"Application {plan.app.name}"
        found.extend(retired_image_values(subject, plan.values, facts))
    for service in facts.nodeports if facts is not None else ():
        found.append(
            report(
                "BPP009",
                f"Application {plan.app.name} ({plan.env.env_type}) renders NodePort Service "
                f"{service}",
                where,
            )
        )
    canon = inputs.workspace.canon
    if (
        plan.placement.mode == "active-hotstandby"
        and len(set(plan.placement.regions)) < 2
        and uses_cnpg(canon, plan.entry, facts)
    ):
        found.append(
            report(
                "BPP010",
                f"Application {plan.app.name} runs a CloudNativePG database active-hotstandby "
                f"in {len(set(plan.placement.regions))} region(s); it needs a primary and at "
                "least one replica region",
                at(plan.org.doc, (*plan.app.path, "placement")),
            )
        )
    return found


def image_tag_numbers(
    inputs: Inputs, subject: str, values: Merged, facts: RenderFacts
) -> list[Diagnostic]:
    """BPG017, as lint reports it: a number of the release's values, written otherwise
    than Helm prints it, that a rendered image carries as its tag, at the layer that
    sets it (the message names no Environment: one finding for all of them)."""
    tagged = {number: (kind, name, image) for number, kind, name, image in facts.number_tags}
    found = []
    for path, _, printed in printed_as_tags(values.value, tagged):
        origin = next((o for o in values.explain(path) if o.line is not None), None)
        if origin is None or origin.line is None:
            continue  # a chart default: the Blueprint's own lint says so
        source = inputs.reads.source(inputs.workspace.root / origin.source)
        written = plain_scalar_at(source.line_text(origin.line), origin.column or 1)
        kind, name, image = tagged[printed]
        said = misprinted_tag(path, written, printed, f"{kind} {name} of {subject}", image)
        if said is not None:
            where = Location(origin.source, origin.line, origin.column or 1, json_path(path))
            found.append(report("BPG017", said[0], where, said[1]))
    return found


def _not_rendered(
    app: str, environment: str, error: str, place: Location, fix: str | None, stage: str
) -> Diagnostic:
    """BPP016: `app` fails with `error` in `environment`, at `stage` (`render`,
    `install`)."""
    message = _not_rendered_message(app, (environment,), error, stage)
    found = report("BPP016", message, place, fix)
    extra = {_APPLICATION: app, _ENVIRONMENTS: environment, _ERROR: error, _STAGE: stage}
    return dataclasses.replace(found, extra={**found.extra, **extra})


def _not_rendered_message(app: str, environments: tuple[str, ...], error: str, stage: str) -> str:
    return f"Application {app} ({', '.join(environments)}) does not {stage}: {error}"


def one_finding_per_failure(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """An Application that fails the same way at the same place in several of its
    Environments (the value is in its base config, or in the Blueprint) is one mistake:
    one BPP016 that names them all, where the first of them stands."""

    def key(found: Diagnostic) -> tuple[object, ...] | None:
        if found.rule != "BPP016" or _ENVIRONMENTS not in found.extra:
            return None
        extra = found.extra
        return (extra[_APPLICATION], extra[_ERROR], found.location, found.hint, found.suppressed)

    same: dict[tuple[object, ...], list[Diagnostic]] = {}
    for found in diagnostics:
        if (found_key := key(found)) is not None:
            same.setdefault(found_key, []).append(found)
    out = []
    for found in diagnostics:
        found_key = key(found)
        if found_key is None:
            out.append(found)
            continue
        group = same.pop(found_key, [])  # empty: merged into the group's first, above
        if len(group) == 1:
            out.append(found)
        elif group:
            environments = tuple(d.extra[_ENVIRONMENTS] for d in group)
            message = _not_rendered_message(
                found.extra[_APPLICATION], environments, found.extra[_ERROR], found.extra[_STAGE]
            )
            extra = {**found.extra, _ENVIRONMENTS: ",".join(environments)}
            out.append(dataclasses.replace(found, message=message, extra=extra))
    return out


def crd_order(inputs: Inputs, planned: list[AppPlan], cache: RenderCache) -> list[Diagnostic]:
    """BPG009 and BPP027 among the Applications of each Environment (see `crd_order`):
    sibling releases of one vcluster, ordered by their `dependsOn`."""
    sovereign = inputs.sovereign
    assert sovereign is not None
    found = []
    by_env: dict[str, list[AppPlan]] = defaultdict(list)
    for plan in planned:
        by_env[plan.env.env_type].append(plan)
    for env_type, plans in by_env.items():
        facts: dict[str, RenderFacts] = {}
        depends: dict[str, list[str]] = {}
        where: dict[str, AppPlan] = {}
        for plan in plans:
            assert plan.entry is not None
            fact = cache.facts_for(plan.entry, emitted_values(plan, sovereign))
            if fact is not None and fact.error is None:
                facts[plan.app.name] = fact
            depends[plan.app.name] = [d["name"] for d in plan.depends_on]
            where[plan.app.name] = plan
        for problem in crd_problems(facts, depends):
            plan = where[problem.release]
            subject = f"Application {problem.release} ({env_type})"
            location = at(plan.org.doc, plan.app.path)
            if problem.installer is None:
                hint = own_crd_hint(problem, "the Application's `config:`")
                found.append(report("BPG009", own_crd_message(subject, problem), location, hint))
                continue
            owner = problem.installer
            blueprint = where[owner].entry
            assert blueprint is not None
            found.append(
                report(
                    "BPP027",
                    f"{subject} renders {problem.listed}, whose CRD Application {owner} "
                    f"installs, but does not depend on {owner}",
                    location,
                    f"depend on {blueprint.name} in {plan.entry.name if plan.entry else ''}'s "
                    "blueprint.yaml, or move the CRDs into a kit Blueprint",
                )
            )
    return found
