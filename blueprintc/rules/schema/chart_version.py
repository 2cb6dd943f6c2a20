"""`blueprint.yaml` and `Chart.yaml` carry one version.

A Blueprint is published once, as `<registry>/bp-<name>:<version>`: the
manifest's version (`spec.version`, or `metadata.version`) names the
artifact a kit or an Application pins, and the chart's `Chart.yaml`
`version` is the chart package inside it. When they differ, compile pins one
version while the chart says another, and a release bump that missed one of
the two files ships the old version under the new name (or the new chart
under the old one).

Failing::

    # blueprint.yaml                  # chart/Chart.yaml
    spec:                             name: bp-demo
      version: 1.0.0                  version: 1.0.1

Reported at the manifest's version. The fix brings the lower version up to
the higher one (a bump that missed a file): here, `spec.version: 1.0.1` in
`blueprint.yaml`. A leading `v` (`v1.0.1`, which Helm allows) is the same
version. A version that is not SemVer is left to BPS001 and BPS004.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.model.blueprint import Blueprint
from blueprintc.plan.versions import VersionError, parse_version
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.yamldoc import json_path


@rule(
    "BPS006",
    "chart-version",
    Severity.ERROR,
    "the version in blueprint.yaml differs from the version in Chart.yaml",
    "give blueprint.yaml and Chart.yaml the same version (the higher one)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    blueprint = ctx.blueprint
    if ctx.chart_dir is None or not blueprint.has_file:
        return
    chart_rel = f"{ctx.rel(ctx.chart_dir)}/Chart.yaml"
    found = disagreement(blueprint, chart_rel, ctx.chart_meta.get("version"))
    if found is not None:
        message, hint = found
        line, column = blueprint.doc.locate(blueprint.version_path)
        field = json_path(blueprint.version_path)
        yield Finding(message, Location(blueprint.rel, line, column, field), hint)


def disagreement(
    blueprint: Blueprint, chart_rel: str, chart_version: Any
) -> tuple[str, str] | None:
    """(message, fix) when `blueprint`'s version and its chart's `chart_version` differ
    (both SemVer); lint's BPS006 and compile's BPP021 say it in these words."""
    if blueprint.version is None or chart_version is None:
        return None
    try:
        ours, theirs = parse_version(blueprint.version), parse_version(str(chart_version))
    except VersionError:
        return None  # BPS001 / BPS004 say why
    if ours == theirs:
        return None
    field = json_path(blueprint.version_path)
    if ours < theirs:
        hint = f"set {field} in {blueprint.rel} to {chart_version} (Chart.yaml's version)"
    else:
        hint = f"set version in {chart_rel} to {blueprint.version} ({field} of {blueprint.rel})"
    message = (
        f"{field} is {blueprint.version}, {chart_rel} says version {chart_version}: "
        f"the artifact pinned as {blueprint.version} would carry chart {chart_version}"
    )
    return message, hint


RULE = check
