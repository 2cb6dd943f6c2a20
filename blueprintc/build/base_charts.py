"""The charts a change since a ref touched, as the ref's merge base holds them and as
they are now: what `lint --since REF` compares to find what an upgrade does not do.

For each Blueprint whose chart changed since the merge base (a file under its chart
directory or its `file://` upstreams, as BPS007 sees a change), its directory and its
`file://` upstreams are taken from the base commit (`git archive`) into a temporary
tree laid out as the repository is, and linted's way read there, with the current
workspace's settings. The current tree's built `charts/` (gitignored, so absent from
the commit; `lint --dependency-build` builds it before these checks run) is lent to the
base chart when both declare the same dependencies, so an upstream compares too; when
they differ (an upstream bumped since), `--dependency-build` has Helm build the base
chart's own in the base tree. A Blueprint new since the base, one whose base cannot be taken
(outside the repository, too big, a link out of it), and one refused at either end are
left out (other rules say why).
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import tarfile
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from blueprintc import helm
from blueprintc.build.changed import Comparison, git_output, under
from blueprintc.chartsources import plain_mapping
from blueprintc.helm import Render
from blueprintc.lint import load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.rules.guarded import GuardedContext, Refused, preload
from blueprintc.rules.guards.support import usable_render
from blueprintc.source import InputError
from blueprintc.workspace import BLUEPRINT_FILE, Workspace

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024  # a Blueprint's directory at the base, as a tar


@dataclass(frozen=True)
class ChartPair:
    """One changed Blueprint's contexts: as it is (`now`) and at the base (`then`)."""

    comparison: Comparison
    now: GuardedContext
    then: GuardedContext

    @property
    def since(self) -> str:
        """The ref as messages name it, with the base commit compared."""
        return f"{self.comparison.since} ({self.comparison.base[:12]})"


def charts_at_base(
    comparison: Comparison,
    offline: bool = False,
    only: Collection[Path] | None = None,
    build_dependencies: bool = False,
) -> Iterator[ChartPair]:
    """A pair for each Blueprint whose chart changed since the base (of those whose
    directory is in `only`, when given); its base tree is removed after its turn. With
    `build_dependencies` (`lint --dependency-build`), a base chart that cannot borrow the
    working tree's `charts/` (its dependencies differ: an upstream bumped since) gets
    its own, built by Helm in the base tree."""
    wanted = None if only is None else {p.resolve() for p in only}
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
            at_base, then_blueprint, borrowed = before
            build = build_dependencies and not borrowed
            now = GuardedContext(comparison.workspace, blueprint, False, offline, (), 1)
            then = GuardedContext(at_base, then_blueprint, build, offline, (), 1)
            try:
                if readable(now) and readable(then):
                    yield ChartPair(comparison, now, then)
            finally:
                now.close()
                then.close()


def readable(ctx: GuardedContext) -> bool:
    """Every file of the Blueprint read, none refused (Helm never reads a refused one)."""
    try:
        return not preload(ctx) and not ctx.refused
    except (InputError, Refused):
        return False


def default_render(ctx: GuardedContext) -> Render | None:
    """The render the guards check (`usable_render`: the defaults, or a requires-overlay
    chart's CI values), None where the chart does not load or render."""
    try:
        return usable_render(ctx)
    except (InputError, Refused, helm.ChartLoadError, helm.HelmAborted):
        return None


def _changed(comparison: Comparison, sources: list[Path]) -> bool:
    return any(under(path, source) for path in comparison.paths for source in sources)


def _at_base(
    comparison: Comparison, blueprint: Blueprint, sources: list[Path], tmp: Path
) -> tuple[Workspace, Blueprint, bool] | None:
    """The Blueprint as the base commit holds it (its directory and `file://` upstreams,
    under `tmp` as under the repository), with the current workspace's settings, and
    whether its chart borrowed the working tree's built `charts/`."""
    if not all(_extract(comparison, source, tmp) for source in sources):
        return None
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
    lent = _lend_built_charts(blueprint.manifest_dir, then.manifest_dir, workspace.root, root)
    return at_base, then, lent


def _extract(comparison: Comparison, source: Path, tmp: Path) -> bool:
    """`source` (a directory of the working tree) as the base commit holds it, if it
    does. False when it cannot be taken: outside the repository, bigger than a chart
    may be, or holding a link out of it (tarfile's `data` filter refuses it)."""
    if not source.is_relative_to(comparison.top):
        return False
    rel = source.relative_to(comparison.top).as_posix()
    archive = git_output(comparison.top, "archive", "--format=tar", comparison.base, "--", rel)
    if archive is None:
        return True  # not in the base commit
    if len(archive) > MAX_ARCHIVE_BYTES:
        return False
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
    except (tarfile.TarError, OSError):
        return False
    return True


def _lend_built_charts(now: Path | None, then: Path, now_root: Path, then_root: Path) -> bool:
    """The current chart's built `charts/`, for a base chart without one that declares
    the same dependencies (a gitignored `charts/` is in no commit); whether it was lent.
    Each Chart.yaml is read within its own tree's root."""
    if now is None or (then / "charts").exists() or not (now / "charts").is_dir():
        return False
    declared = plain_mapping(now / "Chart.yaml", now_root).get("dependencies")
    if plain_mapping(then / "Chart.yaml", then_root).get("dependencies") != declared:
        return False
    shutil.copytree(now / "charts", then / "charts", symlinks=True)
    return True
