"""A field the API server never lets change on an installed object, changed by an upgrade.

A Deployment selecting its pods by the chart's common labels (`helm.sh/chart:
web-1.4.2`, `app.kubernetes.io/version`), or a StatefulSet's volume claim templates
labelled with them, installs fine; the next release bumps the version (BPS007 wants a
bump for every change), the label changes with it, and the API server refuses the
upgrade (`spec: Forbidden: updates to statefulset spec for fields other than
'replicas', ... are forbidden`, `spec.selector: ... field is immutable`). Flux's
helm-controller retries, rolls back and leaves the HelmRelease failed until someone
deletes the object by hand. clamav's, seaweedfs', victoria-metrics-agent's and
home-assistant's charts, groundhog2k's elasticsearch, mongodb and rabbitmq shipped it
and took bug reports for it.

Lint renders the chart as it is and as it would be at its next release (packaged by Helm
with the next patch version and a new appVersion, the same values), and compares each
object's immutable fields (`immutable_fields`) between the two. Only a field whose text
holds the version or appVersion is compared, so a chart without one costs no second
render. A field that differs is reported where the template writes it (its deepest key
the template writes, such as `matchLabels:`), with the two values; an object whose name
changes with the version is a new object, and no finding.

Under `lint --since REF` the rule also compares the chart with itself as the ref's merge
base holds it (`blueprintc.build.immutable_changes`): a claim template grown from `8Gi`
to `20Gi`, a selector that gained a label, a StatefulSet's service name changed.

Failing: `selector: matchLabels: {{- include "web.labels" . | nindent 6 }}` where
`web.labels` holds `helm.sh/chart`.

Passing: `selector: matchLabels: {{- include "web.selectorLabels" . | nindent 6 }}`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from blueprintc import helm
from blueprintc.diagnostics import Finding, Severity
from blueprintc.helm import Render, RenderedObject
from blueprintc.mapping import value_at
from blueprintc.plan.versions import VersionError, next_patch, parse_version
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards import template_keys
from blueprintc.rules.guards.immutable_fields import first_difference, immutable_fields, refusal
from blueprintc.rules.guards.manifest_refusals import release_identity
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.support import usable_render, usable_values

_SHOWN = 80  # characters of a value in a message
_ABSENT = object()


@rule(
    "BPG019",
    "immutable-field-change",
    Severity.ERROR,
    "a field the API server never lets change on an installed object (a selector, a "
    "StatefulSet's volume claim templates) changes with the next release's version, or "
    "changed since `--since REF`: the upgrade fails",
    "keep the field as it is installed: select and label claims with the selector labels "
    "(app.kubernetes.io/name and /instance), not the common labels with the version",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    render = usable_render(ctx)
    if render is None:
        return
    version = str(ctx.chart_meta.get("version", ""))
    app_version = ctx.chart_meta.get("appVersion")
    app_version = str(app_version) if app_version not in (None, "") else None
    marks = _marks(version, app_version)
    candidates = [
        (obj, path, value)
        for obj in render.objects()
        for path, value in immutable_fields(obj.body).items()
        if any(mark in json.dumps(value) for mark in marks)
    ]
    upcoming = _upcoming(version, app_version) if candidates else None
    if upcoming is None:
        return  # none, or no SemVer version (BPS001 and BPS004 say so)
    values = usable_values(ctx)
    later = _render_at(ctx, values, *upcoming)
    if later is None or not later.ok:
        return
    at_next = {release_identity(obj): obj for obj in later.objects()}
    for obj, path, value in candidates:
        other = at_next.get(release_identity(obj))
        if other is None:
            continue  # renamed with the version: a new object, none changed
        later_fields = immutable_fields(other.body, obj.body)
        changed = first_difference(value, later_fields.get(path), path)
        if changed is not None:
            yield _finding(ctx, obj, other, path, changed, version, app_version, upcoming[0])


def _upcoming(version: str, app_version: str | None) -> tuple[str, str | None] | None:
    """The next release's version (the next patch) and appVersion (its next patch when
    it is a version, `-next` added when it is not)."""
    try:
        version = next_patch(version)
    except VersionError:
        return None
    if app_version is None:
        return version, None
    try:
        parse_version(app_version)
    except VersionError:
        return version, f"{app_version}-next"
    prefix = "v" if app_version[:1] in ("v", "V") else ""
    return version, prefix + next_patch(app_version)


def _marks(version: str, app_version: str | None) -> tuple[str, ...]:
    """The texts a field rendered from the version holds: the version (`+` is `_` in
    `helm.sh/chart`, which a label value cannot hold) and the appVersion."""
    found = {version, version.replace("+", "_")}
    if app_version is not None:
        found.add(app_version)
    return tuple(found)


def _render_at(
    ctx: BlueprintContext, values: dict[str, Any] | None, version: str, app_version: str | None
) -> Render | None:
    """The chart rendered as Helm packages it at `version` and `app_version` (None: a
    chart Helm does not package, which other rules report)."""
    source = Path(ctx.render_chart.source)
    budget = ctx.workspace.helm_budget
    with tempfile.TemporaryDirectory(prefix="blueprintc-next-") as tmp:
        try:
            archive = helm.package(source, Path(tmp), budget, version, app_version)
            chart = helm.load_archive(archive.read_bytes(), ctx.rel(ctx.chart_dir), budget)
        except (helm.ChartLoadError, OSError):
            return None
    return helm.render(
        chart,
        values,
        ctx.release_name,
        ctx.namespace,
        kube_version=ctx.workspace.kubernetes_version,
    )


def _finding(
    ctx: BlueprintContext,
    obj: RenderedObject,
    other: RenderedObject,
    field: str,
    changed: str,
    version: str,
    app_version: str | None,
    next_version: str,
) -> Finding:
    now, then, line = shown_apart(obj.body, other.body, changed)
    what = "appVersion" if app_version and version not in now and app_version in now else "version"
    when = "once the appVersion changes" if what == "appVersion" else f"at version {next_version}"
    where = f"line {line} of it is " if line is not None else ""
    message = (
        f"{obj.kind} {obj.name or '(no name)'}: `{changed}` is rendered from the chart's "
        f"{what} ({where}{now} now, {then} {when}), and the API server refuses any change "
        f"to `{field}` of an installed {obj.kind} (`{refusal(obj.kind, field)}`): the next "
        "release's upgrade fails, and Flux leaves the HelmRelease failed"
    )
    hint = (
        f"keep the {what} out of `{field}`: use the selector labels (app.kubernetes.io/name "
        "and /instance), not the common labels with helm.sh/chart or app.kubernetes.io/"
        f"version; where a release is installed, the {obj.kind} must be deleted once so the "
        "upgrade can create it again (a StatefulSet with `kubectl delete --cascade=orphan`, "
        "which keeps its pods and volumes)"
    )
    return Finding(message, object_location(ctx, obj, changed), hint)


def shown_apart(
    before: dict[str, Any], after: dict[str, Any], path: str
) -> tuple[str, str, int | None]:
    """The values at `path` of `before` and `after` as a message shows them (`absent`
    for none), and None; for two texts too long to show apart (a ConfigMap's file), the
    first line that differs in each, and its number."""
    old, new = _value(before, path), _value(after, path)
    if isinstance(old, str) and isinstance(new, str) and _shown(old) == _shown(new):
        old_lines, new_lines = old.splitlines(), new.splitlines()
        line = _first_line_apart(old_lines, new_lines)
        return _shown_line(old_lines, line), _shown_line(new_lines, line), line + 1
    return _shown(old), _shown(new), None


def shown_change(before: dict[str, Any], after: dict[str, Any], path: str, since: str) -> str:
    """How the value at `path` changed from `before` (at `since`) to `after`, as a
    message says it (`shown_apart`)."""
    then, now, line = shown_apart(before, after, path)
    if line is not None:
        return f"is changed: line {line} of it is {now}, and was {then} at {since}"
    return f"is {now}, and was {then} at {since}"


def _first_line_apart(old: list[str], new: list[str]) -> int:
    """The index of the first line where `old` and `new` differ (one may end first)."""
    for index, (before, after) in enumerate(zip(old, new, strict=False)):
        if before != after:
            return index
    return min(len(old), len(new))


def _shown_line(lines: list[str], index: int) -> str:
    return _shown(lines[index]) if index < len(lines) else "absent"


def _value(body: dict[str, Any], path: str) -> Any:
    parts = template_keys.path_parts(body, path)
    return value_at(body, parts, _ABSENT) if parts is not None else _ABSENT


def _shown(node: Any) -> str:
    if node is _ABSENT:
        return "absent"
    text = json.dumps(node)
    return f"`{text}`" if len(text) <= _SHOWN else f"`{text[: _SHOWN - 3]}...`"


RULE = check
