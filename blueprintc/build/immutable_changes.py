"""BPG019 under `lint --since REF`: a field no upgrade may change, changed since the ref.

A chart's change can change what the API server never lets change on an installed
object (`immutable_fields`): a StatefulSet's claim template asking for `20Gi` where it
asked for `8Gi`, a selector that gained a label, a binding's role. Helm's upgrade of the
release then fails (`spec: Forbidden: updates to statefulset spec for fields other than
'replicas', ...`), and Flux leaves the HelmRelease failed until the object is deleted by
hand. chart-testing finds it by installing the old chart and upgrading to the new one
(`ct install --upgrade`); lint finds it by rendering both.

For each Blueprint whose chart changed since the merge base (as BPS007 sees a change),
its directory and its `file://` upstreams are taken from the base commit (`git
archive`) and linted's way rendered there: the current workspace's settings, the chart's
defaults (or its CI overlay, for a requires-overlay chart). The current tree's built
`charts/` (gitignored, so absent from the commit) is lent to the base chart when both
declare the same dependencies, so an upstream's objects compare too. Each object in both
renders (same apiVersion, kind, namespace and name; hooks left out) whose immutable
fields differ is reported where the current chart writes the field. A Blueprint new since
the base, or whose chart does not render at either end, is left alone (other rules say
why).
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import tarfile
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from blueprintc import helm
from blueprintc.build.changed import Comparison, git_output
from blueprintc.diagnostics import Diagnostic, Finding
from blueprintc.helm import Render, RenderedObject
from blueprintc.lint import load_blueprint, make_diagnostic
from blueprintc.model.blueprint import Blueprint
from blueprintc.rules.guarded import GuardedContext, Refused, preload
from blueprintc.rules.guards.immutable_fields import first_difference, immutable_fields, refusal
from blueprintc.rules.guards.manifest_refusals import release_identity
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.support import usable_render
from blueprintc.rules.guards.version_in_immutable import RULE, shown_value
from blueprintc.source import InputError
from blueprintc.workspace import BLUEPRINT_FILE, Workspace
from blueprintc.yamldata import load_all


def immutable_changes(
    comparison: Comparison, offline: bool = False, only: Collection[Path] | None = None
) -> list[Diagnostic]:
    """BPG019 for every immutable field a changed Blueprint's chart changes since the
    base (of the Blueprints whose directory is in `only`, when given)."""
    wanted = None if only is None else {p.resolve() for p in only}
    found = []
    for node in comparison.nodes:
        blueprint = node.blueprint
        if wanted is not None and node.directory.resolve() not in wanted:
            continue
        if blueprint is None or blueprint.manifest_kind != "helm" or blueprint.manifest_dir is None:
            continue
        if not _changed(comparison, [blueprint.manifest_dir, *node.sources[1:]]):
            continue  # blueprint.yaml alone: not what Helm renders
        with tempfile.TemporaryDirectory(prefix="blueprintc-base-") as tmp:
            before = _at_base(comparison, blueprint, node.sources, Path(tmp))
            if before is None:
                continue  # new since the base
            for finding in _changes(comparison, blueprint, before, offline):
                found.append(make_diagnostic(RULE, finding))
    return found


def _changed(comparison: Comparison, sources: list[Path]) -> bool:
    return any(p == s or s in p.parents for p in comparison.paths for s in sources)


def _at_base(
    comparison: Comparison, blueprint: Blueprint, sources: list[Path], tmp: Path
) -> tuple[Workspace, Blueprint] | None:
    """The Blueprint as the base commit holds it (its directory and `file://` upstreams,
    under `tmp` as under the repository), with the current workspace's settings."""
    for source in sources:
        _extract(comparison, source, tmp)
    workspace = comparison.workspace
    root = tmp / workspace.root.relative_to(comparison.top)
    directory = root / workspace.rel(blueprint.dir)
    if not (directory / BLUEPRINT_FILE).is_file():
        return None
    at_base = dataclasses.replace(workspace, root=root, _real={}, memo={})
    try:
        then = load_blueprint(directory, at_base)
    except InputError:
        return None
    if then.manifest_kind != "helm" or then.manifest_dir is None:
        return None
    _lend_built_charts(blueprint.manifest_dir, then.manifest_dir)
    return at_base, then


def _extract(comparison: Comparison, source: Path, tmp: Path) -> None:
    """`source` (a directory of the working tree) as the base commit holds it, if it does."""
    rel = source.relative_to(comparison.top).as_posix()
    archive = git_output(comparison.top, "archive", "--format=tar", comparison.base, "--", rel)
    if archive is None:
        return  # not in the base commit
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")


def _lend_built_charts(now: Path | None, then: Path) -> None:
    """The current chart's built `charts/`, for a base chart without one that declares
    the same dependencies (a gitignored `charts/` is in no commit)."""
    if now is None or (then / "charts").exists() or not (now / "charts").is_dir():
        return
    if _dependencies(now) != _dependencies(then):
        return
    shutil.copytree(now / "charts", then / "charts", symlinks=True)


def _dependencies(chart_dir: Path) -> Any:
    try:
        documents = load_all((chart_dir / "Chart.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    first = documents[0] if documents else None
    return first.get("dependencies") if isinstance(first, dict) else None


def _changes(
    comparison: Comparison,
    blueprint: Blueprint,
    before: tuple[Workspace, Blueprint],
    offline: bool,
) -> list[Finding]:
    now = GuardedContext(comparison.workspace, blueprint, False, offline, (), 1)
    then = GuardedContext(before[0], before[1], False, offline, (), 1)
    try:
        renders = [_render(ctx) for ctx in (now, then)]
        if renders[0] is None or renders[1] is None:
            return []
        return list(_differences(comparison, now, renders[0], renders[1]))
    finally:
        now.close()
        then.close()


def _render(ctx: GuardedContext) -> Render | None:
    try:
        if preload(ctx) or ctx.refused:
            return None
        return usable_render(ctx)
    except (InputError, Refused, helm.ChartLoadError, helm.HelmAborted):
        return None


def _differences(
    comparison: Comparison, ctx: GuardedContext, now: Render, then: Render
) -> list[Finding]:
    before = {release_identity(obj): obj for obj in then.objects()}
    found = []
    for obj in now.objects():
        identity = release_identity(obj)
        old = before.get(identity) if identity is not None else None
        if old is None:
            continue  # new, or a hook: created anew
        fields, old_fields = immutable_fields(obj.body), immutable_fields(old.body)
        for field in [*old_fields, *(f for f in fields if f not in old_fields)]:
            changed = first_difference(old_fields.get(field), fields.get(field), field)
            if changed is not None:
                found.append(_finding(comparison, ctx, obj, old, field, changed))
    return found


def _finding(
    comparison: Comparison,
    ctx: GuardedContext,
    obj: RenderedObject,
    old: RenderedObject,
    field: str,
    changed: str,
) -> Finding:
    since = f"{comparison.since} ({comparison.base[:12]})"
    message = (
        f"{obj.kind} {obj.name}: `{changed}` is {shown_value(obj.body, changed)}, and was "
        f"{shown_value(old.body, changed)} at {since}; the API server refuses any change to "
        f"`{field}` of an installed {obj.kind} (`{refusal(obj.kind)}`): the upgrade to this "
        "version fails, and Flux leaves the HelmRelease failed"
    )
    hint = (
        f"keep `{field}` as it was; to change it, rename the {obj.kind} (a new object) or "
        f"delete it once before the upgrade (a StatefulSet with `kubectl delete "
        "--cascade=orphan`, which keeps its pods and volumes; a claim grows by patching "
        "the PersistentVolumeClaim itself)"
    )
    return Finding(message, object_location(ctx, obj, changed), hint)
