"""Everything a Blueprint rule may look at, loaded lazily and shared between rules.

Renders are cached by their values, so the guards that need the same render
(smoke, labels, monitoring) pay for it once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from blueprintc import dependencies, gitfiles, helm, listing, unloadable_values
from blueprintc.canon import Canon
from blueprintc.kustomize_files import KUSTOMIZATION_FILES
from blueprintc.model.blueprint import Blueprint
from blueprintc.rules.memo import per_instance, remembered
from blueprintc.rules.renders import PARALLEL_RENDERS_FROM, Request, make_at_once, render_key
from blueprintc.source import InputError, SourceFile, read_source
from blueprintc.suppression import tolerance
from blueprintc.threadpool import thread_pool
from blueprintc.workspace import Workspace
from blueprintc.yamldoc import YamlDoc, load_yaml

if TYPE_CHECKING:  # imported where used: most charts need none of them (lint's start-up)
    from blueprintc import depbuild, kustomize, standin
    from blueprintc.remote_schemas import RemoteRef

_T = TypeVar("_T")
TEXT_SUFFIXES = (".yaml", ".yml", ".tpl", ".txt", ".md", ".json")


# kubectl processes BPG023 runs at once (each builds one kustomization, 50-100 ms).
_KUSTOMIZE_AT_ONCE = 4


@dataclass
class BlueprintContext:
    workspace: Workspace
    blueprint: Blueprint
    build_dependencies: bool = False
    offline: bool = False  # `--offline`: a requested dependency build is skipped
    # lint's `--values` files, as (the path given, its values), rendered after ci/ (BPG012)
    values_files: tuple[tuple[str, dict[str, Any]], ...] = ()
    # How many of its renders `render_all` makes at once (a Helm worker each): lint gives
    # a Blueprint the jobs no other Blueprint of the run takes.
    render_jobs: int = 1
    _slowest_render: float = 0.0  # seconds, of the renders made so far
    _renders: dict[str, helm.Render] = field(default_factory=dict)
    _documents: dict[str, helm.ParsedManifest] = field(default_factory=dict)
    _sources: dict[Path, SourceFile] = field(default_factory=dict)
    _chart_failure: Exception | None = None
    _values_refusal: InputError | None = None
    # Input findings reported without refusing their file (see `load`), by place.
    tolerated: dict[tuple[str, str, int, int], InputError] = field(default_factory=dict)
    # What several rules work out from the same inputs, worked out once (by name).
    memo: dict[str, Any] = field(default_factory=dict)
    # Directory listings, shared by the walks over the Blueprint (read once per Blueprint).
    scans: listing.Scans = field(default_factory=listing.Scans)

    def __post_init__(self) -> None:
        if self.blueprint.has_file:  # read by the loader: its text, not a second read
            source = self.blueprint.doc.source
            self._sources.setdefault(source.path, source)

    @property
    def canon(self) -> Canon:
        return self.workspace.canon

    @property
    def root(self) -> Path:
        return self.workspace.root

    def read(self, path: Path) -> SourceFile:
        """The file as text, read once per Blueprint (a refusal is raised on every call)."""
        source = self._sources.get(path)
        if source is None:
            source = read_source(path, self.root, self.workspace.max_file_bytes)
            self._sources[path] = source
        return source

    def load(self, path: Path) -> YamlDoc:
        """The file parsed; an input finding the workspace lowers (a duplicate key set
        below error) is kept in `tolerated`, to be reported once, and the file read."""
        doc = load_yaml(self.read(path), tolerance(self.workspace))
        for exc in doc.findings:
            self.tolerated[(exc.rule, exc.path, exc.line, exc.column)] = exc
        return doc

    def rel(self, path: Path) -> str:
        return self.workspace.rel(path)

    def remember(self, name: str, build: Callable[[], _T]) -> _T:
        """`build()`, worked out once per Blueprint under `name` (several rules ask)."""
        return remembered(self.memo, name, build)

    # -- Helm charts -------------------------------------------------------
    @property
    def chart_dir(self) -> Path | None:
        bp = self.blueprint
        return bp.manifest_dir if bp.manifest_kind == "helm" else None

    @per_instance
    def chart_yaml(self) -> YamlDoc | None:
        return self._chart_file("Chart.yaml")

    @property
    def chart_meta(self) -> dict[str, Any]:
        return _mapping(self.chart_yaml)

    @per_instance
    def values_yaml(self) -> YamlDoc | None:
        """The chart's values.yaml; refused (and remembered so) when Helm could not read
        it (`unloadable_values`)."""
        if self._values_refusal is not None:
            raise self._values_refusal
        doc = self._chart_file("values.yaml")
        if doc is not None:
            try:
                unloadable_values.refuse(doc)
            except InputError as exc:
                self._values_refusal = exc
                raise
        return doc

    @property
    def values(self) -> dict[str, Any]:
        return _mapping(self.values_yaml)

    def _chart_file(self, name: str) -> YamlDoc | None:
        """The chart's `name`, loaded, or None if there is no chart or no such file."""
        if self.chart_dir is None or not (self.chart_dir / name).exists():
            return None
        return self.load(self.chart_dir / name)

    @property
    def annotations(self) -> dict[str, Any]:
        annotations = self.chart_meta.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    def annotation(self, key: str) -> str | None:
        name = self.canon.section("charts")["annotations"][key]
        value = self.annotations.get(name)
        return None if value is None else str(value)

    @per_instance
    def declared_dependencies(self) -> list[dict[str, Any]]:
        deps = self.chart_meta.get("dependencies")
        return [d for d in deps if isinstance(d, dict)] if isinstance(deps, list) else []

    @per_instance
    def subchart_keys(self) -> frozenset[str]:
        """The umbrella values' top-level keys that configure a subchart (its name or
        alias): what is below them belongs to the upstream product, not to Catalyst."""
        return frozenset(
            str(d.get(k)) for d in self.declared_dependencies for k in ("name", "alias") if d.get(k)
        )

    @per_instance
    def _subchart_sections(self) -> list[tuple[int, int]]:
        """Line ranges (first, last) of the subchart sections of the umbrella values.yaml."""
        doc = self.values_yaml
        if doc is None or not self.subchart_keys:
            return []
        tops = sorted(
            (line, str(path[0])) for path, (line, _) in doc.keys.items() if len(path) == 1
        )
        sections = []
        for index, (line, key) in enumerate(tops):
            if key in self.subchart_keys:
                end = tops[index + 1][0] - 1 if index + 1 < len(tops) else len(doc.source.lines)
                sections.append((line, end))
        return sections

    def in_subchart_values(self, source: SourceFile, line: int) -> bool:
        """Whether `line` of `source` lies in a subchart's section of the umbrella values."""
        doc = self.values_yaml
        if doc is None or source.rel != doc.source.rel:
            return False
        return any(first < line <= last for first, last in self._subchart_sections)

    @per_instance
    def templates(self) -> list[SourceFile]:
        """The umbrella chart's own templates and CRDs, as text."""
        if self.chart_dir is None:
            return []
        files = []
        for sub in ("templates", "crds"):
            base = self.chart_dir / sub
            if base.is_dir():
                found = listing.files_below(base, _template_file, lister=self.scans)
                files.extend(map(self.read, found))
        return files

    @per_instance
    def build_outcome(self) -> depbuild.BuildOutcome | None:
        """Runs `helm dependency build` once when asked to (and not offline)."""
        if not self.build_dependencies or self.offline:
            return None
        if self.chart_dir is None or not self.declared_dependencies:
            return None
        from blueprintc import depbuild

        return depbuild.build(
            self.chart_dir, self.declared_dependencies, self.workspace.helm_budget
        )

    @property
    def build_error(self) -> str | None:
        outcome = self.build_outcome
        return None if outcome is None else outcome.error

    @property
    def charts_tracked(self) -> bool:
        """Whether git tracks files in this chart's `charts/` (asked once per run)."""
        assert self.chart_dir is not None
        tracked = remembered(
            self.workspace.memo,
            "tracked_chart_dirs",
            lambda: gitfiles.tracked_chart_dirs(self.root),
        )
        return self.rel(self.chart_dir) in tracked

    @property
    def dependencies_required(self) -> bool:
        """Whether a missing dependency is a defect here: a dependency build was asked
        for, or `charts/` is tracked. Else (the normal source tree: `charts/` ignored,
        built by CI) it is a check that could not run."""
        return (self.build_dependencies and not self.offline) or self.charts_tracked

    @per_instance
    def dependency_status(self) -> list[dict[str, Any]]:
        """Helm's status of each declared dependency, asked once (after a requested build)."""
        assert self.chart_dir is not None
        self.build_error  # noqa: B018 - a requested `helm dependency build` comes first
        try:
            chart = self.helm_chart
        except helm.HelmAborted:
            raise  # Helm would take as long again
        except Exception:  # not loadable (or refused): Helm answers, as it always did
            chart = None
        return dependencies.dependency_status(self.chart_dir, chart, self.workspace.helm_budget)

    @per_instance
    def remote_schema_refs(self) -> list[RemoteRef]:
        """The remote `$ref`s of the values schemas a render of the chart makes Helm fetch
        (`blueprintc.remote_schemas`)."""
        from blueprintc.remote_schemas import chart_remote_refs

        if self.chart_dir is None:
            return []
        return chart_remote_refs(self.chart_dir, self.root, self.workspace.max_file_bytes)

    @property
    def may_render(self) -> bool:
        """Whether the chart may be rendered: not under `--offline` when Helm would fetch
        a remote schema to render it."""
        return not (self.offline and self.remote_schema_refs)

    @per_instance
    def helm_chart(self) -> helm.Chart:
        """The loaded chart (raises helm.ChartLoadError, or helm.HelmAborted past the
        budget: either is remembered, so Helm tries once per Blueprint)."""
        assert self.chart_dir is not None
        if self._chart_failure is not None:
            raise self._chart_failure
        try:
            return helm.load_chart(self.chart_dir, self.workspace.helm_budget)
        except (helm.ChartLoadError, helm.HelmAborted) as exc:
            self._chart_failure = exc
            raise

    @per_instance
    def stand_in(self) -> standin.StandIn | None:
        """A private copy of the chart whose absent dependencies are stood in for (a
        `file://` helper library by its source, anything else by an empty stub), made only
        where absent dependencies are no defect (BPG011's case). None otherwise."""
        if self.chart_dir is None or not self.declared_dependencies:
            return None
        missing = [s for s in self.dependency_status if s.get("status") not in ("ok", "unpacked")]
        if not missing or self.dependencies_required:
            return None
        from blueprintc import standin

        made = standin.build(self.chart_dir, missing, self.declared_dependencies, self.root)
        if made is None:
            return None
        try:
            self.memo["stand_in_chart"] = helm.load_chart(
                made.directory, self.workspace.helm_budget
            )
        except helm.ChartLoadError:
            made.close()  # Helm cannot load it: no stand-in (BPG011 says what was skipped)
            return None
        except helm.HelmAborted:
            made.close()
            raise
        return made

    @per_instance
    def render_chart(self) -> Any:
        """The chart renders use: the stand-in when there is one, else the chart itself."""
        return self.helm_chart if self.stand_in is None else self.memo["stand_in_chart"]

    def close(self) -> None:
        """Remove what the context made outside the workspace (the stand-in copy)."""
        made = self.__dict__.get("stand_in")
        if made is not None:
            made.close()

    @property
    def release_name(self) -> str:
        return self.blueprint.name or self.blueprint.dir.name

    @property
    def namespace(self) -> str:
        prefix = str(self.canon.section("blueprint").get("namePrefix", ""))
        name = self.release_name
        return name[len(prefix) :] if prefix and name.startswith(prefix) else name

    def render(
        self, values: dict[str, Any] | None = None, api_versions: tuple[str, ...] = ()
    ) -> helm.Render:
        """A render, cached by its values and extra API versions (`--api-versions`)."""
        key = render_key(values, api_versions)
        if key not in self._renders:
            chart = self.render_chart  # loaded first: the time is the render's alone
            started = time.monotonic()
            self._renders[key] = helm.render(
                chart,
                values,
                self.release_name,
                self.namespace,
                self._documents,
                api_versions,
                self.workspace.kubernetes_version,  # the version its objects are checked for
            )
            self._slowest_render = max(self._slowest_render, time.monotonic() - started)
        return self._renders[key]

    @property
    def renders_at_once(self) -> bool:
        """Whether `render_all` makes its renders at once: more than one render job, and
        a chart whose renders are slow (else a Helm worker's start-up would cost more
        than a render takes)."""
        return self.render_jobs > 1 and self._slowest_render >= PARALLEL_RENDERS_FROM

    def render_all(self, requests: list[Request]) -> None:
        """Make the renders not made yet at once, `render_jobs` at a time, when
        `renders_at_once` (`blueprintc.rules.renders`); else nothing: each render is
        made when it is asked for."""
        if self.renders_at_once:
            asked: dict[str, Request] = {}
            for request in requests:
                asked.setdefault(render_key(*request), request)
            todo = [request for key, request in asked.items() if key not in self._renders]
            make_at_once(self.render, todo, self.render_jobs)

    def template_source(self, template: str | None) -> SourceFile | None:
        if template is None or self.chart_dir is None:
            return None
        path = self.chart_dir / template
        try:
            return self.read(path) if path.is_file() else None
        except InputError:
            return None

    # -- Kustomize bases ---------------------------------------------------
    @per_instance
    def kustomize_build(self) -> kustomize.KustomizeBuild:
        assert self.blueprint.manifest_dir is not None
        from blueprintc import kustomize

        return kustomize.build(self.blueprint.manifest_dir, offline=self.offline, root=self.root)

    @per_instance
    def extra_kustomize_builds(self) -> list[tuple[Path, kustomize.KustomizeBuild]]:
        """Each kustomization of the Blueprint that its manifests' build does not read
        (BPG023), built alone: not a Component, which only an including build builds,
        nor one in vendored charts/ (not among `text_files`)."""
        files = [s for s in self.text_files if s.path.name in KUSTOMIZATION_FILES]
        if not files:
            return []
        from blueprintc import kustomize

        built: set[Path] = set()
        if self.blueprint.manifest_kind == "kustomize":
            assert self.blueprint.manifest_dir is not None
            built = kustomize.local_directories(self.blueprint.manifest_dir, self.root)
        chosen = []
        for source in files:
            directory = source.path.parent
            if directory.resolve() in built or kustomize.is_component(source.text):
                continue
            built.add(directory.resolve())  # kustomize reads one file of a directory
            chosen.append(source.path)

        def build(top: Path) -> kustomize.KustomizeBuild:
            # Built as Flux builds a repository's path: files outside it may be read.
            return kustomize.build(top.parent, offline=self.offline, root=self.root, anywhere=True)

        if len(chosen) < 2:
            return [(top, build(top)) for top in chosen]
        with thread_pool(min(len(chosen), _KUSTOMIZE_AT_ONCE)) as pool:
            return list(zip(chosen, pool.map(build, chosen), strict=True))

    # -- Text to scan for domains and terms -------------------------------
    @per_instance
    def text_files(self) -> list[SourceFile]:
        """Every authored text file of the Blueprint (vendored charts/ excluded)."""
        paths = listing.files_below(
            self.blueprint.dir, _authored_file, skip=_vendored, lister=self.scans
        )
        return [self.read(path) for path in paths]


def _template_file(entry: os.DirEntry[str]) -> bool:
    return listing.suffix(entry.name) in TEXT_SUFFIXES and listing.is_file(entry)


def _authored_file(entry: os.DirEntry[str]) -> bool:
    """A text file, not a link (`Chart.lock` is Helm's, not authored)."""
    return (
        listing.suffix(entry.name) in TEXT_SUFFIXES
        and entry.name != "Chart.lock"
        and entry.is_file(follow_symlinks=False)
    )


def _vendored(parts: listing.Parts) -> bool:
    """A `charts/` directory, or one below it, outside `manifests/`: vendored subcharts."""
    return "charts" in parts and parts[0] != "manifests"


def _mapping(doc: YamlDoc | None) -> dict[str, Any]:
    """A document's data if it is a mapping, else an empty one."""
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}
