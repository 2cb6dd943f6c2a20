"""`Chart.yaml` is a Helm v2 chart definition that Helm can load.

`Chart.yaml` must be a mapping with `apiVersion: v2`, a `name` and a SemVer
`version`; Helm must then load the chart directory. An `appVersion` must be a
string: unquoted, `appVersion: 1.10` is a number, which Helm reads as `1.1` (a
chart then deploys the image tag 1.1), and `helm lint` refuses any number. A
list, an empty file or a missing `Chart.yaml` stops every other chart guard, so
this rule says why first. Each `dependencies` entry must name its chart (`alias:` written
for `name:` is the usual slip): `helm dependency build` fetches by name.

Failing::

    - name: bp-demo        # a list, not a mapping
      version: 1.0.0
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from blueprintc.chartsources import nameless_dependency, names_chart
from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.go_text import chart_metadata_text
from blueprintc.helm import ChartLoadError
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.yamldoc import YamlDoc

_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


@rule(
    "BPS004",
    "chart-metadata",
    Severity.ERROR,
    "Chart.yaml is missing, malformed, or Helm cannot load the chart",
    "write Chart.yaml as a mapping with apiVersion: v2, name and a SemVer version",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    chart_dir = ctx.chart_dir
    if chart_dir is None or not chart_dir.is_dir():
        return
    doc = ctx.chart_yaml
    if doc is None:
        yield Finding(
            f"{ctx.rel(chart_dir)} has no Chart.yaml",
            Location(ctx.blueprint.rel, 1, 1),
            hint=f"add {ctx.rel(chart_dir)}/Chart.yaml: `apiVersion: v2`, `name: "
            f"{ctx.blueprint.name}` and {_version_line(ctx)}",
        )
        return
    rel = doc.source.rel
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "empty"
        yield Finding(f"Chart.yaml must be a mapping, not {kind}", Location(rel, 1, 1))
        return
    problems = []
    if doc.data.get("apiVersion") != "v2":
        written = doc.data.get("apiVersion")
        fix = "set `apiVersion: v2` (Helm 3's charts)"
        if written == "v1":
            fix += "; a v1 chart's requirements.yaml dependencies move into Chart.yaml"
        problems.append(("apiVersion", f"apiVersion is {written!r}, not v2", fix))
    if not isinstance(doc.data.get("name"), str) or not doc.data.get("name"):
        problems.append(("name", "name is missing", f"add `name: {ctx.blueprint.name}`"))
    if "version" not in doc.data:
        problems.append(("version", "version is missing", _version_fix(ctx, "add")))
    elif not _SEMVER.match(str(doc.data["version"])):
        version = doc.data["version"]
        if isinstance(version, str):
            message = f"version {version!r} is not SemVer"
        else:
            written = doc.written(("version",)) or str(version)
            read = f"Helm reads {chart_metadata_text(version)}"
            message = f"version {written} is not SemVer ({read})"
        problems.append(("version", message, _version_fix(ctx, "write")))
    for key, message, fix in problems:
        line, column = doc.locate((key,))
        yield Finding(f"Chart.yaml: {message}", Location(rel, line, column, key), hint=fix)
    if problems:
        return
    yield from _app_version_problems(doc)
    yield from _dependency_problems(doc)
    entries = doc.data.get("dependencies")
    if entries is not None and not (
        isinstance(entries, list) and all(isinstance(e, dict) for e in entries)
    ):
        return  # what keeps Helm from loading the chart: said at its line
    try:
        ctx.helm_chart  # noqa: B018 - loading is the check
    except ChartLoadError as exc:
        yield Finding(
            f"Helm cannot load the chart: {exc}",
            Location(rel, 1, 1),
            hint=f"fix what Helm names (`helm lint {ctx.rel(chart_dir)}` says the same)",
        )


def _version_fix(ctx: BlueprintContext, verb: str) -> str:
    return f"{verb} {_version_line(ctx)}"


def _version_line(ctx: BlueprintContext) -> str:
    """`version:` as the Blueprint's spec.version has it (the two must agree: BPS006),
    or any SemVer when that is none."""
    version = ctx.blueprint.version
    if version and _SEMVER.match(version):
        return f"`version: {version}` (the Blueprint's spec.version)"
    return "`version:` as a SemVer: MAJOR.MINOR.PATCH, such as 1.0.0"


def _app_version_problems(doc: YamlDoc) -> Iterator[Finding]:
    """`appVersion` written as a number or a boolean: Helm reads Go's text of the value
    (`1.10` as 1.1, `1.0` as 1), which `.Chart.AppVersion` gives templates (image tags,
    labels), and `helm lint` refuses every one."""
    value = doc.data.get("appVersion")
    if value is None or isinstance(value, str):
        return
    written, read = doc.written(("appVersion",)) or str(value), chart_metadata_text(value)
    if written != read:
        message = (
            f"appVersion {written} is a number, which Helm reads as {read}: "
            f".Chart.AppVersion (often the image tag) is {read}"
        )
    else:
        message = f"appVersion {written} is not a string (`helm lint` refuses it)"
    line, column = doc.locate(("appVersion",))
    yield Finding(
        f"Chart.yaml: {message}",
        Location(doc.source.rel, line, column, "appVersion"),
        hint=f'quote it: `appVersion: "{written}"`',
    )


def _dependency_problems(doc: YamlDoc) -> Iterator[Finding]:
    """Each `dependencies` entry that names no chart. Helm loads and renders such a chart
    (its charts/ archive, matched to no entry, is kept as it is), but `helm dependency
    build` cannot fetch it, and every check that reads the entry has no name to go by:
    `alias:` written for `name:` is the usual slip."""
    entries = doc.data.get("dependencies")
    if entries is None:
        return
    rel = doc.source.rel
    if not isinstance(entries, list):
        line, column = doc.locate(("dependencies",))
        yield Finding(
            "Chart.yaml: dependencies is not a list of charts",
            Location(rel, line, column, "dependencies"),
            hint=_AS_LIST,
        )
        return
    for index, entry in enumerate(entries):
        if names_chart(entry):
            continue
        line, column = doc.locate(("dependencies", index))
        where = Location(rel, line, column, f"dependencies[{index}]")
        if not isinstance(entry, dict):
            message = f"Chart.yaml: dependency {index + 1} is not a mapping"
            yield Finding(message, where, hint=_AS_LIST)
            continue
        yield Finding(
            f"Chart.yaml: {nameless_dependency(index + 1, entry)} has no name",
            where,
            hint="set `name:` to the chart's name in its repository (`alias:` only renames "
            "its values key); Helm's dependency build and Chart.lock go by it",
        )


_AS_LIST = (
    "write each dependency as a mapping in a list: `- name: <chart>`, its version and repository"
)


RULE = check
