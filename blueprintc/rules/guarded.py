"""lint's Blueprint context: the chart Helm and kustomize never see once a file in it
was refused, and the preload that reads every authored file first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from blueprintc import helm, listing
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.memo import per_instance
from blueprintc.source import InputError, SourceFile, check_entry
from blueprintc.yamldoc import YamlDoc

if TYPE_CHECKING:  # in annotations only (BlueprintContext imports them where used)
    from blueprintc import depbuild, kustomize, standin

__all__ = ["GuardedContext", "Refused", "preload"]

_T = TypeVar("_T")


class Refused(Exception):
    """Raised instead of handing Helm or kustomize a chart with refused files."""


@dataclass
class GuardedContext(BlueprintContext):
    """A context whose chart Helm and kustomize never see once a file in it was refused:
    they would read that file themselves (a link out of the workspace, a FIFO, a bomb)."""

    refused: bool = False
    _refusals: dict[tuple[str, Path], InputError] = field(default_factory=dict)

    def read(self, path: Path) -> SourceFile:
        source = self._sources.get(path)  # read before, so never refused
        if source is not None:
            return source
        return self._remembering_refusal("read", path, super().read)

    def load(self, path: Path) -> YamlDoc:
        # Parsed again on every call, a refused alias bomb cost each rule the whole budget.
        # (Kept apart from `read`: a file that is not YAML can still be scanned as text.)
        return self._remembering_refusal("load", path, super().load)

    def _remembering_refusal(self, how: str, path: Path, reader: Callable[[Path], _T]) -> _T:
        refusal = self._refusals.get((how, path))
        if refusal is not None:
            raise refusal
        try:
            return reader(path)
        except InputError as exc:
            self._refusals[(how, path)] = exc
            raise

    @per_instance
    def helm_chart(self) -> helm.Chart:
        if self.refused:
            raise Refused
        return super().helm_chart

    @per_instance
    def dependency_status(self) -> list[dict[str, Any]]:
        if self.refused:
            raise Refused  # `helm dependency list` would load the refused chart
        return super().dependency_status

    @per_instance
    def kustomize_build(self) -> kustomize.KustomizeBuild:
        if self.refused:
            raise Refused
        return super().kustomize_build

    @per_instance
    def extra_kustomize_builds(self) -> list[tuple[Path, kustomize.KustomizeBuild]]:
        if self.refused:
            raise Refused
        return super().extra_kustomize_builds

    @per_instance
    def stand_in(self) -> standin.StandIn | None:
        return None if self.refused else super().stand_in

    @per_instance
    def build_outcome(self) -> depbuild.BuildOutcome | None:
        return None if self.refused else super().build_outcome


def preload(context: GuardedContext) -> list[InputError]:
    """Check every entry of the Blueprint and read every authored file once, so input
    errors surface whichever rules run. A refusal inside the chart keeps it from Helm
    (and from `helm dependency build`)."""
    found = _refused_entries(context)
    for attribute in ("chart_yaml", "values_yaml", "templates", "text_files"):
        try:
            getattr(context, attribute)
        except InputError as exc:
            found.append(exc)
    chart = context.blueprint.manifest_dir
    if chart is not None:
        prefix = context.rel(chart) + "/"
        context.refused = any(exc.path.startswith(prefix) for exc in found)
    context.build_outcome  # noqa: B018 - builds dependencies once, when asked to
    return found


def _refused_entries(context: BlueprintContext) -> list[InputError]:
    """Links that leave the workspace or dangle, and FIFOs, sockets and devices, anywhere
    in the Blueprint or its chart (vendored charts/ included: Helm reads them all)."""
    tops = [context.blueprint.dir]
    chart = context.blueprint.manifest_dir
    if chart is not None and not context.workspace.real(chart).is_relative_to(
        context.blueprint.dir
    ):
        tops.append(chart)
    found = []
    for top in tops:
        for _, entries in listing.walk(top, lister=context.scans):
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_symlink() or not (listing.is_file(entry) or listing.is_dir(entry)):
                    try:
                        check_entry(Path(entry.path), context.root)
                    except InputError as exc:
                        found.append(exc)
    return found
