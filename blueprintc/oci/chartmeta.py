"""Chart.yaml as Helm sees it: the metadata struct, in Go's field order.

Helm loads Chart.yaml into ``chart.Metadata`` (unknown keys dropped, strings
sanitised by ``Validate``) and marshals that struct as the OCI config blob;
the manifest annotations are derived from the same struct. This module
restates that mapping so our manifests are byte-identical to ``helm push``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import yaml

from .content import go_json, sorted_json_value
from .tarball import read_archive

_ANN = "org.opencontainers.image."
_IMMUTABLE = (_ANN + "version", _ANN + "title")


def _sanitize(text: str) -> str:
    """Helm's sanitizeString: whitespace becomes a space, unprintables are dropped."""
    return "".join(" " if c.isspace() else c for c in text if c.isspace() or c.isprintable())


def _string(where: str, value: Any, sanitize: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(
            f"Chart.yaml: {where} must be a string, got {type(value).__name__} {value!r}; quote it"
        )
    return _sanitize(value) if sanitize else value


def _strings(where: str, value: Any, sanitize: bool = True) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"Chart.yaml: {where} must be a list of strings")
    return [_string(f"{where}[{i}]", v, sanitize) for i, v in enumerate(value)]


def _objects(
    where: str, value: Any, build: Callable[[str, dict[str, Any]], dict[str, Any]]
) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"Chart.yaml: {where} must be a list of mappings (no empty entries)")
    return [build(f"{where}[{i}]", v) for i, v in enumerate(value)]


def _omit_empty(pairs: list[tuple[str, Any]], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in pairs if k in keep or v not in ("", [], {}, False, None)}


def _maintainer(where: str, raw: dict[str, Any]) -> dict[str, Any]:
    return _omit_empty([(k, _string(f"{where}.{k}", raw.get(k))) for k in ("name", "email", "url")])


def _dependency(where: str, raw: dict[str, Any]) -> dict[str, Any]:
    enabled = raw.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ValueError(f"Chart.yaml: {where}.enabled must be true or false")
    imports = raw.get("import-values")
    if imports is not None and not isinstance(imports, list):
        raise ValueError(f"Chart.yaml: {where}.import-values must be a list")
    return _omit_empty(
        [
            ("name", _string(f"{where}.name", raw.get("name"))),
            ("version", _string(f"{where}.version", raw.get("version"))),
            ("repository", _string(f"{where}.repository", raw.get("repository"))),
            ("condition", _string(f"{where}.condition", raw.get("condition"))),
            ("tags", _strings(f"{where}.tags", raw.get("tags"))),
            ("enabled", bool(enabled)),
            ("import-values", sorted_json_value(imports or [])),
            ("alias", _string(f"{where}.alias", raw.get("alias"), sanitize=False)),
            ("depends-on", _strings(f"{where}.depends-on", raw.get("depends-on"))),
        ],
        keep=("name", "repository"),
    )


def parse_chart_yaml(text: str | bytes) -> dict[str, Any]:
    """Chart.yaml text to Helm's metadata, as an ordered dict (Go field order)."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ValueError("Chart.yaml must be a mapping")
    annotations = raw.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise ValueError("Chart.yaml: annotations must be a mapping of strings")
    deprecated = raw.get("deprecated")
    if deprecated is not None and not isinstance(deprecated, bool):
        raise ValueError("Chart.yaml: deprecated must be true or false")
    return _omit_empty(
        [
            ("name", _string("name", raw.get("name"))),
            ("home", _string("home", raw.get("home"))),
            ("sources", _strings("sources", raw.get("sources"))),
            ("version", _string("version", raw.get("version"), sanitize=False)),
            ("description", _string("description", raw.get("description"))),
            ("keywords", _strings("keywords", raw.get("keywords"))),
            ("maintainers", _objects("maintainers", raw.get("maintainers"), _maintainer)),
            ("icon", _string("icon", raw.get("icon"))),
            ("apiVersion", _string("apiVersion", raw.get("apiVersion"), sanitize=False)),
            ("condition", _string("condition", raw.get("condition"))),
            ("tags", _string("tags", raw.get("tags"))),
            ("appVersion", _string("appVersion", raw.get("appVersion"))),
            ("deprecated", bool(deprecated)),
            (
                "annotations",
                {
                    str(k): _string(f"annotations.{k}", annotations[k], sanitize=False)
                    for k in sorted(annotations, key=str)
                },
            ),
            ("kubeVersion", _string("kubeVersion", raw.get("kubeVersion"))),
            ("dependencies", _objects("dependencies", raw.get("dependencies"), _dependency)),
            ("type", _string("type", raw.get("type"), sanitize=False)),
        ]
    )


def chart_metadata(chart_tgz: bytes) -> dict[str, Any]:
    """Metadata of the top-level chart in a packaged chart (``<name>/Chart.yaml``)."""
    files = read_archive(chart_tgz)
    top = [n for n in files if n.count("/") == 1 and n.endswith("/Chart.yaml")]
    if len(top) != 1:
        raise ValueError("chart archive must hold exactly one <chart>/Chart.yaml at its top")
    meta = parse_chart_yaml(files[top[0]])
    for key in ("apiVersion", "name", "version"):
        if not meta.get(key):
            raise ValueError(f"Chart.yaml: {key} is required")
    return meta


def chart_metadata_json(metadata: dict[str, Any]) -> bytes:
    return go_json(metadata)


def chart_annotations(metadata: dict[str, Any], created: str | None) -> dict[str, str]:
    """The manifest annotations ``helm push`` derives from the chart metadata."""
    out: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        if value and value.strip():
            out[_ANN + key] = value

    put("description", metadata.get("description"))
    put("title", metadata.get("name"))
    put("version", metadata.get("version"))
    put("url", metadata.get("home"))
    put("created", created)
    sources = metadata.get("sources") or []
    if sources:
        put("source", sources[0])
    maintainers = metadata.get("maintainers") or []
    if maintainers:
        parts = []
        for m in maintainers:
            text = m.get("name", "")
            if m.get("email"):
                text += f" ({m['email']})"
            parts.append(text)
        put("authors", ", ".join(parts))
    for key, value in (metadata.get("annotations") or {}).items():
        if key not in _IMMUTABLE:
            out[key] = value
    return {k: out[k] for k in sorted(out)}
