"""Adapter over the real Helm v4 SDK (helm-python-sdk), in-process.

Helm's errors are turned into values (`RenderFailure`) that carry the template
position Helm reports, so rules can point at the template line.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python as helm

from blueprintc import yamldata

# "execution error at (bp-x/templates/cm.yaml:6:11): <message>" and parse errors
# such as "parse error at (bp-x/templates/cm.yaml:3): ..."
_POSITION = re.compile(
    r"\(?(?P<file>[\w.\-/]+\.(?:yaml|yml|tpl|txt|json)):(?P<line>\d+)(?::(?P<col>\d+))?"
)
_EXECUTION_ERROR = "execution error at"


@dataclass(frozen=True)
class RenderFailure:
    message: str
    template: str | None  # chart-relative, e.g. "templates/cm.yaml", first path part dropped
    line: int
    column: int
    is_execution_error: bool  # `required` or `fail` in a template (not a parse error)


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
        metadata = self.body.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""


@dataclass(frozen=True)
class Render:
    """One `helm template`: the manifests by template path, or the failure."""

    manifests: dict[str, str]
    failure: RenderFailure | None
    _objects: list[RenderedObject] | None = field(default=None, compare=False, repr=False)
    # Parsed YAML documents by manifest text, shared by the renders of one chart: renders
    # with different values mostly repeat the same templates word for word.
    _documents: dict[str, list[Any]] | None = field(default=None, compare=False, repr=False)

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

    def _parse(self, wanted: Callable[[str], bool] | None = None) -> list[RenderedObject]:
        result = []
        for template in sorted(self.manifests):
            if not template.endswith((".yaml", ".yml")):
                continue
            if wanted is not None and not wanted(template):
                continue
            seen: dict[str, int] = {}
            for body in self._load_documents(self.manifests[template]):
                if isinstance(body, dict):
                    kind = str(body.get("kind", ""))
                    result.append(RenderedObject(template, seen.get(kind, 0), body))
                    seen[kind] = seen.get(kind, 0) + 1
        return result

    def _load_documents(self, text: str) -> list[Any]:
        cache = self._documents
        if cache is None:
            return yamldata.load_all(text)
        if text not in cache:
            cache[text] = yamldata.load_all(text)
        return cache[text]


class ChartLoadError(Exception):
    pass


def load_chart(chart_dir: Path) -> helm.Chart:
    try:
        return helm.Chart.load(chart_dir)
    except helm.HelmError as exc:
        raise ChartLoadError(_clean(str(exc))) from None


def render(
    chart: helm.Chart,
    values: dict[str, Any] | None,
    name: str,
    namespace: str,
    documents: dict[str, list[Any]] | None = None,
    api_versions: tuple[str, ...] = (),
) -> Render:
    """Render the chart. Renders given the same `documents` dict share parsed YAML: their
    objects' bodies may be the same dicts, so treat them as read-only. `api_versions` are
    the extra APIs `.Capabilities.APIVersions.Has` answers yes for (`helm template
    --api-versions`)."""
    try:
        if api_versions:
            manifests = _render_with_api_versions(chart, values, name, namespace, api_versions)
        else:
            manifests = chart.render(values=values, name=name, namespace=namespace, is_install=True)
    except (helm.HelmRenderError, helm.HelmValuesError) as exc:
        return Render({}, parse_failure(str(exc)))
    except helm.HelmError as exc:
        return Render({}, RenderFailure(_clean(str(exc)), None, 1, 1, False))
    return Render(manifests, None, _documents=documents)


def _render_with_api_versions(
    chart: helm.Chart,
    values: dict[str, Any] | None,
    name: str,
    namespace: str,
    api_versions: tuple[str, ...],
) -> dict[str, str]:
    """`Chart.render` with helm-c's `api_versions` render option, which the SDK's Python
    signature does not expose (the same native call and errors)."""
    from helm_python import _native

    options = {"name": name, "namespace": namespace, "is_install": True}
    options["api_versions"] = list(api_versions)
    payload = None if values is None else json.dumps(values)
    rendered = _native.call_string("helm_render", chart._raw(), payload, json.dumps(options))
    manifests: dict[str, str] = json.loads(rendered)
    return manifests


def parse_failure(message: str) -> RenderFailure:
    message = _clean(message)
    match = _POSITION.search(message)
    template = None
    line = column = 1
    if match:
        parts = match.group("file").split("/", 1)
        template = parts[1] if len(parts) == 2 else parts[0]
        line = int(match.group("line"))
        column = int(match.group("col") or 1)
    is_execution_error = _EXECUTION_ERROR in message
    return RenderFailure(message, template, line, column, is_execution_error)


def dependency_status(chart_dir: Path) -> list[dict[str, Any]]:
    """Helm's view of declared dependencies: name, version, repository, status."""
    return helm.dependency_list(chart_dir)


def dependency_build(chart_dir: Path) -> str | None:
    """`helm dependency build`; returns Helm's error message, or None on success."""
    try:
        helm.dependency_build(chart_dir)
    except helm.HelmError as exc:
        return _clean(str(exc))
    return None


def lint(chart_dir: Path) -> list[dict[str, Any]]:
    report = helm.lint(chart_dir)
    messages: list[dict[str, Any]] = report.get("messages") or []
    return messages


def _clean(message: str) -> str:
    return " ".join(message.split())
