"""Adapter over the real Helm v4 SDK (helm-python-sdk), run under a budget.

Every call goes to a Helm worker process (`helm_pool`: why, and what it costs)
with a deadline and a memory cap; an overrun raises `HelmAborted`, which callers
report at the chart. Helm's own errors are turned into values (`RenderFailure`)
that carry the template position Helm reports, so rules can point at the
template line.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.diagnostics import one_line
from blueprintc.helm_pool import (
    CHART_IDS,
    DEFAULT_BUDGET,
    POOL,
    Budget,
    HelmAborted,
    HelmCallError,
    UnknownChart,
    Worker,
    as_helm_reads,
)
from blueprintc.kustomize_files import is_kustomize_file
from blueprintc.template_functions import undefined_function, undefined_function_hint

# "execution error at (bp-x/templates/cm.yaml:6:11): <message>" and parse errors
# such as "parse error at (bp-x/templates/cm.yaml:3): ..."
_POSITION = re.compile(
    r"\(?(?P<file>[\w.\-/]+\.(?:yaml|yml|tpl|txt|json)):(?P<line>\d+)(?::(?P<col>\d+))?"
)
_EXECUTION_ERROR = "execution error at"
# `helm dependency build` downloads: its deadline, when longer than the budget's.
DOWNLOAD_SECONDS = 600.0
NOTES_FILE = "NOTES.txt"  # a chart's install notes: rendered, never a manifest
# A manifest's documents, and the keys its mappings give twice.
ParsedManifest = tuple[list[Any], tuple[yamldata.DuplicateKeys, ...]]


@dataclass(frozen=True)
class RenderFailure:
    message: str
    template: str | None  # chart-relative, e.g. "templates/cm.yaml", first path part dropped
    line: int
    column: int
    is_execution_error: bool  # `required` or `fail` in a template (not a parse error)
    hint: str = ""  # how to fix it, when blueprintc knows better than the rule's hint


@dataclass(frozen=True)
class RenderedObject:
    template: str  # Helm's key, e.g. "bp-x/charts/sub/templates/deploy.yaml"
    ordinal: int  # how many objects of the same kind precede it in its template
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def labels(self) -> dict[str, Any]:
        metadata = self.body.get("metadata")
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        return labels if isinstance(labels, dict) else {}

    @property
    def name(self) -> str:
        """metadata.name; empty when it has none (left out, or null: an unset value)."""
        metadata = self.body.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        return "" if name is None else str(name)


@dataclass(frozen=True)
class Render:
    """One `helm template`: the manifests by template path, or the failure."""

    manifests: dict[str, str]
    failure: RenderFailure | None
    _objects: list[RenderedObject] | None = field(default=None, compare=False, repr=False)
    _manifest_files: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    # Parsed YAML documents by manifest text, shared by the renders of one chart: renders
    # with different values mostly repeat the same templates word for word.
    _documents: dict[str, ParsedManifest] | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def line_count(self) -> int:
        return sum(1 for _ in self._content_lines())

    def has_lines(self, minimum: int) -> bool:
        """`line_count >= minimum`, counting no further than `minimum`."""
        return sum(1 for _ in itertools.islice(self._content_lines(), max(minimum, 0))) >= minimum

    def _content_lines(self) -> Iterator[str]:
        """The lines that are neither blank nor comments."""
        for text in self.manifests.values():
            for line in text.splitlines():
                if (stripped := line.strip()) and stripped[0] != "#":
                    yield line

    def objects(self) -> list[RenderedObject]:
        if self._objects is None:
            object.__setattr__(self, "_objects", self._parse())
        assert self._objects is not None
        return self._objects

    def objects_mentioning(self, text: str) -> list[RenderedObject]:
        """Objects of the templates whose rendered text contains `text` (e.g. an API
        group): a cheap pre-filter that spares parsing every other template."""
        if self._objects is not None:
            return [o for o in self._objects if text in self.manifests[o.template]]
        return self._parse(lambda template: text in self.manifests[template])

    def manifest_files(self) -> tuple[str, ...]:
        """The rendered files Helm's manifest sorter reads as manifests, in its order:
        every one, whatever its name, but NOTES.txt, a partial (`_helpers.tpl`) and one
        with no text."""
        if self._manifest_files is None:
            files = tuple(
                template
                for template, text in sorted(self.manifests.items())
                if text
                and not text.isspace()
                and not template.endswith(NOTES_FILE)
                and not template.rpartition("/")[2].startswith("_")
            )
            object.__setattr__(self, "_manifest_files", files)
        assert self._manifest_files is not None
        return self._manifest_files

    def documents(self, template: str) -> list[Any]:
        """The template's output as YAML documents (raises yaml.YAMLError)."""
        return self._load_documents(self.manifests[template])

    def _parse(self, wanted: Callable[[str], bool] | None = None) -> list[RenderedObject]:
        result = []
        for template in self.manifest_files():
            if wanted is not None and not wanted(template):
                continue
            try:
                documents = self._load_documents(self.manifests[template])
            except yaml.YAMLError:
                continue  # not YAML, so no objects: BPG003 reports it (`not_yaml`)
            seen: dict[str, int] = {}
            for body in documents:
                # A Kustomize file is no object: BPG003 reports it (`manifest_refusals`).
                if isinstance(body, dict) and not is_kustomize_file(body):
                    kind = str(body.get("kind", ""))
                    result.append(RenderedObject(template, seen.get(kind, 0), body))
                    seen[kind] = seen.get(kind, 0) + 1
        return result

    def not_yaml(self) -> list[tuple[str, yaml.YAMLError]]:
        """The manifest files whose output does not parse as YAML (`helm template`
        refuses such a render), each with PyYAML's error."""
        found = []
        for template in self.manifest_files():
            try:
                self.documents(template)
            except yaml.YAMLError as exc:
                found.append((template, exc))
        return found

    def duplicate_keys(self) -> list[tuple[str, yamldata.DuplicateKeys]]:
        """Each mapping of a manifest file's output that gives a key twice, with its file:
        Helm keeps the last, Flux's helm-controller refuses the release (its post-renderer
        reads the manifests with kustomize, which refuses a duplicate key)."""
        found = []
        for template in self.manifest_files():
            try:
                parsed = self._parsed(self.manifests[template])
            except yaml.YAMLError:
                continue  # not YAML: `not_yaml` has it
            found.extend((template, duplicate) for duplicate in parsed[1])
        return found

    def _load_documents(self, text: str) -> list[Any]:
        return self._parsed(text)[0]

    def _parsed(self, text: str) -> ParsedManifest:
        cache = self._documents
        if cache is None:
            return _parse_manifest(text)
        if text not in cache:
            cache[text] = _parse_manifest(text)
        return cache[text]


def _parse_manifest(text: str) -> ParsedManifest:
    duplicates: list[yamldata.DuplicateKeys] = []
    if "---#" in text:  # cert-manager's rbac.yaml: `---# Permission to approve ...`
        text = _GLUED_SEPARATOR.sub("--- #", text)
    documents = yamldata.load_all(text, kubernetes=True, duplicates=duplicates)
    return documents, tuple(duplicates)


# Helm splits a manifest on `---` at a line's start whatever follows it (its
# `SplitManifests`), so `---# comment` ends a document there, where YAML reads `---#` as
# text. With a space, `--- # comment`, YAML reads it as Helm does, on the same line.
# (`---key: value`, which Helm also splits, has no such rewrite on its line: not seen.)
DOCUMENT_SEPARATOR = re.compile(r"^---")  # a line where Helm splits: template or output
_GLUED_SEPARATOR = re.compile(r"^---#", re.MULTILINE)


class ChartLoadError(Exception):
    pass


class Chart:
    """A chart loaded by a Helm worker, from a directory or archive bytes.

    It is loaded again, transparently, in another worker that serves it or after its
    worker was respawned. Once a call ran over the budget, every later call on the
    chart raises the same `HelmAborted` at once: a chart that loops for a minute
    costs one budget, not one per guard that renders it.
    """

    def __init__(self, source: str, budget: Budget, archive: bytes = b"") -> None:
        self.source = source
        self.budget = budget
        self._archive = archive
        self._held: dict[int, int] = {}  # worker index -> chart id there
        self._last: Worker | None = None
        self._aborted: HelmAborted | None = None
        self._properties: dict[str, Any] = {}

    def load(self) -> None:
        with POOL.lease() as worker:
            self._last = worker
            self._load_in(worker)

    @property
    def metadata(self) -> dict[str, Any]:
        return self._property("metadata")  # type: ignore[no-any-return]

    @property
    def dependencies(self) -> list[dict[str, Any]]:
        return self._property("dependencies")  # type: ignore[no-any-return]

    @property
    def crds(self) -> list[dict[str, str]]:
        return self._property("crds")  # type: ignore[no-any-return]

    def render_manifests(
        self,
        values: dict[str, Any] | None,
        name: str,
        namespace: str,
        api_versions: tuple[str, ...] = (),
        kube_version: str | None = None,
    ) -> dict[str, str]:
        """Helm's render (helm-c's options: `api_versions` and `kube_version` are ones
        the SDK's Python signature does not expose)."""
        options: dict[str, Any] = {"name": name, "namespace": namespace, "is_install": True}
        if api_versions:
            options["api_versions"] = list(api_versions)
        if kube_version:
            options["kube_version"] = kube_version
        encoded = b"" if values is None else json.dumps(values, default=as_helm_reads).encode()
        _, data = self._call({"op": "render", "options": options}, encoded)
        manifests: dict[str, str] = json.loads(data)
        return manifests

    def _property(self, what: str) -> Any:
        if what not in self._properties:
            _, data = self._call({"op": "get", "what": what})
            self._properties[what] = json.loads(data)
        return self._properties[what]

    def _call(self, header: dict[str, Any], blob: bytes = b"") -> tuple[dict[str, Any], bytes]:
        if self._aborted is not None:
            raise self._aborted
        with POOL.lease(self._last) as worker:
            self._last = worker
            for _ in range(3):
                request = {**header, "chart": self._load_in(worker)}
                try:
                    return worker.call(request, self.budget, blob)
                except UnknownChart:
                    self._held.pop(worker.index, None)  # evicted or respawned: load again
                except HelmAborted as exc:
                    self._aborted = exc
                    raise
        raise HelmAborted("crash", f"the Helm worker keeps losing the chart {self.source}")

    def _load_in(self, worker: Worker) -> int:
        held = self._held.get(worker.index)
        if held is not None:
            return held  # unknown to a respawned worker: `_call` loads it again
        if self._aborted is not None:
            raise self._aborted
        chart_id = next(CHART_IDS)
        request = {"op": "load", "path": self.source, "chart": chart_id}
        try:
            _, metadata = worker.call(request, self.budget, self._archive)
        except HelmCallError as exc:
            raise ChartLoadError(one_line(exc.message)) from None
        except HelmAborted as exc:
            self._aborted = exc
            raise
        self._held[worker.index] = chart_id
        self._properties.setdefault("metadata", json.loads(metadata))
        return chart_id


def load_chart(chart_dir: Path, budget: Budget = DEFAULT_BUDGET) -> Chart:
    """The chart in `chart_dir` (raises ChartLoadError, or HelmAborted past the budget)."""
    chart = Chart(os.path.abspath(chart_dir), budget)
    chart.load()
    return chart


def load_archive(data: bytes, name: str, budget: Budget = DEFAULT_BUDGET) -> Chart:
    """The chart in the `.tgz` bytes `data` (`name` says which, in messages)."""
    chart = Chart(name, budget, data)
    chart.load()
    return chart


def render(
    chart: Chart,
    values: dict[str, Any] | None,
    name: str,
    namespace: str,
    documents: dict[str, ParsedManifest] | None = None,
    api_versions: tuple[str, ...] = (),
    kube_version: str | None = None,
) -> Render:
    """Render the chart. Renders given the same `documents` dict share parsed YAML: their
    objects' bodies may be the same dicts, so treat them as read-only. `api_versions` are
    the extra APIs `.Capabilities.APIVersions.Has` answers yes for (`helm template
    --api-versions`); `kube_version` is `.Capabilities.KubeVersion` (`helm template
    --kube-version`; else the SDK's own default, newer than most clusters), and the
    Kubernetes APIs that version serves are among the APIs, kinds included, as in a
    cluster (`validate.kubernetes.served_api_versions`). Raises HelmAborted when Helm
    runs over the chart's budget."""
    apis = render_api_versions(kube_version, api_versions)
    try:
        manifests = chart.render_manifests(values, name, namespace, apis, kube_version)
    except ChartLoadError as exc:
        return Render({}, RenderFailure(str(exc), None, 1, 1, False))
    except HelmCallError as exc:
        if exc.kind in ("HelmRenderError", "HelmValuesError"):
            return Render({}, parse_failure(exc.message))
        return Render({}, RenderFailure(one_line(exc.message), None, 1, 1, False))
    return Render(manifests, None, _documents=documents)


def render_api_versions(kube_version: str | None, extra: tuple[str, ...]) -> tuple[str, ...]:
    """The APIs a render for `kube_version` gives Helm beyond its own: the ones that
    version serves (`validate.kubernetes.served_api_versions`), then `extra`."""
    if not kube_version:
        return extra
    from blueprintc.validate.kubernetes import served_api_versions

    return (*served_api_versions(kube_version), *extra)


def chart_relative(template: str) -> str:
    """Helm's template key (`bp-x/templates/cm.yaml`) as a path in the chart directory
    (`templates/cm.yaml`): its first part, the chart's name, dropped."""
    return template.split("/", 1)[1] if "/" in template else template


def subchart_of(path: str | None) -> str | None:
    """The key of the subchart whose file a chart-relative path names
    (`charts/velero/templates/a.yaml`: velero; its nested subcharts' files included);
    None for the chart's own files."""
    parts = path.split("/") if path else []
    return parts[1] if len(parts) > 2 and parts[0] == "charts" else None


def parse_failure(message: str) -> RenderFailure:
    message = one_line(message)
    match = _POSITION.search(message)
    template = None
    line = column = 1
    if match:
        template = chart_relative(match.group("file"))
        line = int(match.group("line"))
        column = int(match.group("col") or 1)
    is_execution_error = _EXECUTION_ERROR in message
    undefined = undefined_function(message)
    hint = undefined_function_hint(undefined) if undefined else ""
    return RenderFailure(message, template, line, column, is_execution_error, hint)


def dependency_status(chart_dir: Path, budget: Budget = DEFAULT_BUDGET) -> list[dict[str, Any]]:
    """Helm's view of declared dependencies: name, version, repository, status (raises
    ChartLoadError when Helm cannot load the chart)."""
    with POOL.lease() as worker:
        try:
            request = {"op": "dependency_list", "path": os.path.abspath(chart_dir)}
            _, data = worker.call(request, budget)
        except HelmCallError as exc:
            raise ChartLoadError(one_line(exc.message)) from None
    statuses: list[dict[str, Any]] = json.loads(data)
    return statuses


def dependency_build(chart_dir: Path, budget: Budget = DEFAULT_BUDGET) -> str | None:
    """`helm dependency build`; returns Helm's error message, or None on success. It
    downloads, so its deadline is `DOWNLOAD_SECONDS` when that is longer."""
    seconds = max(budget.seconds, DOWNLOAD_SECONDS)
    with POOL.lease() as worker:
        try:
            request = {"op": "dependency_build", "path": os.path.abspath(chart_dir)}
            worker.call(request, budget, seconds=seconds)
        except HelmCallError as exc:
            return one_line(exc.message)
    return None


def package(
    chart_dir: Path,
    destination: Path,
    budget: Budget = DEFAULT_BUDGET,
    version: str | None = None,
    app_version: str | None = None,
) -> Path:
    """`helm package` into `destination`, with `--version` and `--app-version` when given;
    the archive's path (raises ChartLoadError)."""
    header: dict[str, Any] = {
        "op": "package",
        "path": os.path.abspath(chart_dir),
        "into": os.path.abspath(destination),
    }
    if version is not None:
        header["version"] = version
    if app_version is not None:
        header["app_version"] = app_version
    with POOL.lease() as worker:
        try:
            answer, _ = worker.call(header, budget)
        except HelmCallError as exc:
            raise ChartLoadError(one_line(exc.message)) from None
    return Path(str(answer["archive"]))


def warm(workers: int) -> None:
    """Start Helm workers ahead of their first use (their start-up overlaps the caller's)."""
    POOL.warm(workers)
