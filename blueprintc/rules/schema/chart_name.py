"""`Chart.yaml` names the chart as the Blueprint is published: `bp-<name>`.

`blueprintc build` publishes the chart under its `Chart.yaml` `name` (`helm
package` names the package after it), while everything that installs the
Blueprint (the bootstrap kit's and every Application's HelmRelease) asks the
registry for `bp-<name>`: the Blueprint's `metadata.name`, with the prefix added
when it is omitted (CANON §7). When the two differ, publish pushes an artifact
that no HelmRelease asks for, and Flux never finds the chart the catalog lists.
All 48 Blueprints of the platform's own catalog name their chart this way, with
or without the prefix in `metadata.name`.

Failing::

    # blueprint.yaml                  # chart/Chart.yaml
    metadata:                         name: bp-webap
      name: bp-webapp

Reported at `Chart.yaml`'s `name`: the fix renames the chart, since the
Blueprint's name is what Organizations, overlays and the kit refer to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.blueprint_names import canonical
from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import chart_location


@rule(
    "BPS008",
    "chart-name",
    Severity.ERROR,
    "Chart.yaml's name is not the name the Blueprint is published as (bp-<name>)",
    "set name in Chart.yaml to bp-<the Blueprint's name>",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    blueprint = ctx.blueprint
    if ctx.chart_dir is None or not blueprint.has_file or not blueprint.name:
        return
    if ctx.chart_yaml is None:
        return  # no readable Chart.yaml: BPS004's
    name = ctx.chart_meta.get("name")
    where = chart_location(ctx, ("name",), key=False)
    said = name_disagreement(blueprint.name, name, ctx.chart_meta.get("version"), where.file)
    if said is not None:
        yield Finding(said[0], where, said[1])


def name_disagreement(
    blueprint: str, chart_name: Any, chart_version: Any, chart_file: str
) -> tuple[str, str] | None:
    """(message, fix) when Chart.yaml's `chart_name` is not the name `blueprint` is
    published and installed as; lint's BPS008 and compile's say it in these words."""
    published = canonical(blueprint)
    if not isinstance(chart_name, str) or not chart_name or chart_name == published:
        return None  # a missing name is BPS004's
    message = (
        f"Chart.yaml names the chart {chart_name}, but Blueprint {blueprint} is installed "
        f"as {published}: build would publish {chart_name}:{chart_version}, which no "
        "HelmRelease asks for"
    )
    return message, f"set name: {published} in {chart_file}"


RULE = check
