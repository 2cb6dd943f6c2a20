"""Load everything a compile reads: workspace, Sovereign, Organizations, catalog, overlays.

Input problems become diagnostics; loading goes on without the broken file.
Every Organization file is hashed, so an incremental compile can tell which
ones changed without parsing the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc import __version__
from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import diagnostic_from_input, load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.model.organization import Organization, normalise_organization
from blueprintc.model.sovereign import Sovereign, normalise_sovereign
from blueprintc.source import InputError, SourceFile, read_source
from blueprintc.workspace import Workspace, discover, has_blueprint_file
from blueprintc.yamldoc import YamlDoc, load_yaml


@dataclass
class CatalogEntry:
    """A Blueprint as compile needs it: model, chart defaults, size overlays, digest."""

    blueprint: Blueprint
    chart_name: str
    chart_values: YamlDoc | None
    size_overlays: dict[str, YamlDoc]
    digest: str

    @property
    def name(self) -> str:
        return self.blueprint.name

    @property
    def version(self) -> str:
        return self.blueprint.version or "0.0.0"


@dataclass
class Inputs:
    workspace: Workspace
    sovereign: Sovereign | None = None
    organizations: list[Organization] = field(default_factory=list)
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    sovereign_overlay: YamlDoc | None = None
    env_overlays: dict[str, YamlDoc] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    shared_digest: str = ""
    organization_digests: dict[str, str] = field(default_factory=dict)


def setting(workspace: Workspace, key: str, default: str) -> str:
    data = workspace.doc.data if workspace.doc is not None else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else default


def organization_files(workspace: Workspace) -> list[Path]:
    folder = workspace.root / setting(workspace, "organizations", "organizations")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def load_inputs(workspace: Workspace, organizations: bool = True) -> Inputs:
    inputs = Inputs(workspace=workspace)
    shared = hashlib.sha256(f"blueprintc {__version__}\n".encode())
    sovereign_path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
    if not sovereign_path.exists() and not sovereign_path.is_symlink():
        rel = workspace.rel(sovereign_path)
        error = InputError(
            "BPI007",
            f"no Sovereign spec: {rel} does not exist",
            rel,
            hint="write it (schemas/sovereign.schema.json documents it) "
            "or name another file with `sovereign:` in blueprintc.yaml",
        )
        inputs.diagnostics.append(diagnostic_from_input(error))
    doc = _load(inputs, sovereign_path, shared, optional=True)
    if doc is not None:
        inputs.sovereign = normalise_sovereign(doc)
    _load_catalog(inputs, shared)
    overlays = workspace.root / setting(workspace, "overlays", "overlays")
    if inputs.sovereign is not None:
        inputs.sovereign_overlay = _load(
            inputs, overlays / "sovereigns" / f"{inputs.sovereign.name}.yaml", shared, True
        )
    env_dir = overlays / "environments"
    for path in sorted(env_dir.glob("*.yaml")) if env_dir.is_dir() else []:
        overlay = _load(inputs, path, shared)
        if overlay is not None:
            inputs.env_overlays[path.stem] = overlay
    if workspace.canon.origin != "default canon":
        shared.update(repr(sorted(workspace.canon.data.items())).encode())
    inputs.shared_digest = shared.hexdigest()
    if organizations:
        for path in organization_files(workspace):
            load_organization(inputs, path)
    return inputs


def read_organization(inputs: Inputs, path: Path) -> SourceFile | None:
    """Read (not parse) an Organization file and record its digest."""
    workspace = inputs.workspace
    try:
        source = read_source(path, workspace.root, workspace.max_file_bytes)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    inputs.organization_digests[source.rel] = hashlib.sha256(source.text.encode()).hexdigest()
    return source


def parse_organization(inputs: Inputs, source: SourceFile) -> Organization | None:
    try:
        doc = load_yaml(source)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    organization = normalise_organization(doc)
    inputs.organizations.append(organization)
    return organization


def load_organization(inputs: Inputs, path: Path) -> Organization | None:
    source = read_organization(inputs, path)
    return None if source is None else parse_organization(inputs, source)


def _load(inputs: Inputs, path: Path, digest: Any, optional: bool = False) -> YamlDoc | None:
    if optional and not path.exists():
        return None
    workspace = inputs.workspace
    try:
        source = read_source(path, workspace.root, workspace.max_file_bytes)
        doc = load_yaml(source)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    digest.update(f"{source.rel}\n".encode())
    digest.update(source.text.encode())
    return doc


def _load_catalog(inputs: Inputs, shared: Any) -> None:
    workspace = inputs.workspace
    missing = [d for d in workspace.blueprint_dirs if not (workspace.root / d).is_dir()]
    for name in missing:
        error = InputError(
            "BPI007",
            f"the Blueprint catalog directory {name}/ does not exist",
            name,
            hint="create it, or list the catalog dirs under `blueprints:` in blueprintc.yaml",
        )
        inputs.diagnostics.append(diagnostic_from_input(error))
    try:
        directories = (
            discover(
                [workspace.root / d for d in workspace.blueprint_dirs if d not in missing],
                workspace,
                empty_ok=True,
            )
            if len(missing) < len(workspace.blueprint_dirs)
            else []
        )
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return
    for directory in directories:
        if not has_blueprint_file(directory):
            continue  # a chart without blueprint.yaml is no catalog entry (lint: BPI010)
        try:
            blueprint = load_blueprint(directory, workspace)
        except InputError as exc:
            inputs.diagnostics.append(diagnostic_from_input(exc))
            continue
        digest = _tree_digest(directory)
        shared.update(f"{blueprint.rel}\n{digest}\n".encode())
        chart_values = None
        chart_name = blueprint.name
        size_overlays: dict[str, YamlDoc] = {}
        try:
            if blueprint.manifest_kind == "helm" and blueprint.manifest_dir is not None:
                chart_dir = blueprint.manifest_dir
                if (chart_dir / "values.yaml").is_file():
                    chart_values = load_yaml(read_source(chart_dir / "values.yaml", workspace.root))
                chart_doc = load_yaml(read_source(chart_dir / "Chart.yaml", workspace.root))
                if isinstance(chart_doc.data, dict) and chart_doc.data.get("name"):
                    chart_name = str(chart_doc.data["name"])
            for size, rel in blueprint.overlays.items():
                path = directory / rel
                if path.is_file():
                    size_overlays[size] = load_yaml(read_source(path, workspace.root))
        except InputError as exc:
            inputs.diagnostics.append(diagnostic_from_input(exc))
        entry = CatalogEntry(blueprint, chart_name, chart_values, size_overlays, digest)
        if blueprint.name:
            inputs.catalog[blueprint.name] = entry


def _tree_digest(directory: Path) -> str:
    """Content digest of every regular file under a Blueprint directory."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(workspace: Workspace) -> str:
    """A digest of every byte compile reads (and of blueprintc's version): equal
    fingerprints mean an equal plan, so a sealed out/ needs no planning at all."""
    digest = hashlib.sha256(f"blueprintc {__version__}\n".encode())
    root = workspace.root
    paths = [root / "blueprintc.yaml", root / setting(workspace, "sovereign", "sovereign.yaml")]
    if isinstance(workspace.doc, YamlDoc) and isinstance(workspace.doc.data, dict):
        canon = workspace.doc.data.get("canon")
        if isinstance(canon, str):
            paths.append(root / canon)
    trees = [root / setting(workspace, "overlays", "overlays")]
    trees += [root / d for d in workspace.blueprint_dirs]
    paths += organization_files(workspace)
    for tree in trees:
        if tree.is_dir():
            paths += sorted(p for p in tree.rglob("*") if p.is_file() or p.is_symlink())
    for path in paths:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        try:
            digest.update(b"\0" + hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def sovereign_name(workspace: Workspace) -> str:
    """`metadata.name` of the Sovereign spec, read without the rest of the inputs."""
    path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
    try:
        data = load_yaml(read_source(path, workspace.root, workspace.max_file_bytes)).data
    except InputError:
        return ""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""
