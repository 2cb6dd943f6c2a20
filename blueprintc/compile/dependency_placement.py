"""An Application placed where an Application it depends on is not.

Its HelmRelease in that region's vcluster names the other one in `dependsOn`, and
nothing in that vcluster installs it: Flux waits on it forever, and the compile
that wrote the tree exited 0. One finding per Application, Environment and region,
at the Application's placement.
"""

from __future__ import annotations

from blueprintc.compile.apps import AppPlan
from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic


def unplaced_dependencies(plans: list[AppPlan]) -> list[Diagnostic]:
    """BPP023 for each region an Application runs in without a dependency of its own
    Organization and Environment (``plans``: one Organization's, every Environment)."""
    regions = {
        (plan.env.env_type, plan.app.name): set(plan.placement.regions)
        for plan in plans
        if plan.placement is not None
    }
    found = []
    for plan in plans:
        if plan.placement is None:
            continue
        for dependency in plan.depends_on:
            there = regions.get((plan.env.env_type, dependency["name"]))
            if there is None:
                continue  # not planned in this Environment: reported where it failed
            for region in plan.placement.regions:
                if region in there:
                    continue
                app = plan.app
                given = list(app.placement.regions or ())
                path = (
                    (*app.path, "placement", "regions", given.index(region))
                    if region in given
                    else app.path
                )
                found.append(
                    report(
                        "BPP023",
                        f"{app.name} ({plan.env.env_type}) runs in {region}, where "
                        f"{dependency['name']}, which it depends on, is not placed: its "
                        f"HelmRelease there would wait on {dependency['name']} forever",
                        at(plan.org.doc, path),
                        f"place {dependency['name']} in {region} too, or take {region} "
                        f"out of {app.name}'s placement",
                    )
                )
    return found
