"""A Blueprint normalised from every real-world `blueprint.yaml` shape (CANON.md §7).

Normalising never fails: a document that does not match the schema yields a
Blueprint with empty fields, and the schema rule reports why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from blueprintc.yamldoc import PathKey, YamlDoc

ManifestKind = Literal["helm", "kustomize"]


@dataclass(frozen=True)
class Dependency:
    blueprint: str
    version: str | None
    alias: str | None
    when: str | None
    values: dict[str, Any]
    path: PathKey


@dataclass(frozen=True)
class Upstream:
    name: str
    version: str
    path: PathKey


@dataclass
class Blueprint:
    dir: Path
    rel_dir: str
    doc: YamlDoc
    name: str
    version: str | None
    version_path: PathKey
    manifest_kind: ManifestKind | None
    manifest_dir: Path | None
    manifest_path: PathKey
    overlays: dict[str, str] = field(default_factory=dict)
    depends: list[Dependency] = field(default_factory=list)
    upstream: list[Upstream] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)
    config_schema: dict[str, Any] | None = None
    placement: dict[str, Any] | None = None
    # False for a directory guarded for its chart/ or manifests/ alone (lint's BPI010).
    has_file: bool = True

    @property
    def rel(self) -> str:
        return self.doc.source.rel


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def normalise(doc: YamlDoc, blueprint_dir: Path, rel_dir: str) -> Blueprint:
    data = _mapping(doc.data)
    metadata = _mapping(data.get("metadata"))
    spec = _mapping(data.get("spec"))
    version, version_path = _version(spec, metadata)
    kind, manifest_dir, manifest_path = _manifests(spec, blueprint_dir)
    return Blueprint(
        dir=blueprint_dir,
        rel_dir=rel_dir,
        doc=doc,
        name=str(metadata.get("name") or ""),
        version=version,
        version_path=version_path,
        manifest_kind=kind,
        manifest_dir=manifest_dir,
        manifest_path=manifest_path,
        overlays=_overlays(_mapping(spec.get("manifests")).get("overlays")),
        depends=_depends(spec.get("depends")),
        upstream=_upstream(spec.get("upstream")),
        card=_mapping(spec.get("card")),
        config_schema=spec.get("configSchema")
        if isinstance(spec.get("configSchema"), dict)
        else None,
        placement=spec.get("placementSchema")
        if isinstance(spec.get("placementSchema"), dict)
        else None,
    )


def _version(spec: dict[str, Any], metadata: dict[str, Any]) -> tuple[str | None, PathKey]:
    if "version" in spec:
        return str(spec["version"]), ("spec", "version")
    if "version" in metadata:
        return str(metadata["version"]), ("metadata", "version")
    return None, ("spec",)


def chart_directory(spec: dict[str, Any], blueprint_dir: Path) -> Path | None:
    """Where a Blueprint's Helm chart is, from its (raw) spec: None for Kustomize or none."""
    kind, directory, _ = _manifests(spec, blueprint_dir)
    return directory if kind == "helm" else None


def _manifests(
    spec: dict[str, Any], blueprint_dir: Path
) -> tuple[ManifestKind | None, Path | None, PathKey]:
    manifests = spec.get("manifests")
    if isinstance(manifests, dict):
        if isinstance(manifests.get("chart"), str):
            return "helm", blueprint_dir / manifests["chart"], ("spec", "manifests", "chart")
        source = _mapping(manifests.get("source"))
        ref = source.get("ref")
        if isinstance(ref, str):
            kind: ManifestKind = "kustomize" if source.get("kind") == "Kustomize" else "helm"
            return kind, blueprint_dir / ref, ("spec", "manifests", "source", "ref")
    # No `spec.manifests`: the chart is ./chart when present, else ./manifests.
    if (blueprint_dir / "chart").is_dir():
        return "helm", blueprint_dir / "chart", ("spec",)
    if (blueprint_dir / "manifests").is_dir():
        return "kustomize", blueprint_dir / "manifests", ("spec",)
    return None, None, ("spec",)


def _overlays(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
    if isinstance(value, list):
        return {str(v): f"./overlays/{v}.yaml" for v in value if isinstance(v, str)}
    return {}


def _depends(value: Any) -> list[Dependency]:
    result = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        path: PathKey = ("spec", "depends", index)
        if isinstance(item, str):
            result.append(Dependency(item, None, None, None, {}, path))
        elif isinstance(item, dict) and isinstance(item.get("blueprint"), str):
            result.append(
                Dependency(
                    blueprint=item["blueprint"],
                    version=str(item["version"]) if item.get("version") is not None else None,
                    alias=item.get("alias") if isinstance(item.get("alias"), str) else None,
                    when=item.get("when") if isinstance(item.get("when"), str) else None,
                    values=_mapping(item.get("values")),
                    path=path,
                )
            )
    return result


def _upstream(value: Any) -> list[Upstream]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    result = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and "name" in item and "version" in item:
            path: PathKey = (
                ("spec", "upstream", index) if isinstance(value, list) else ("spec", "upstream")
            )
            result.append(Upstream(str(item["name"]), str(item["version"]), path))
    return result
