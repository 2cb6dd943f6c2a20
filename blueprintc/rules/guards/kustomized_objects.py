"""BPG012 for a Kustomize Blueprint: the objects `kubectl kustomize` builds, checked as a
chart's rendered objects are (the kind's schema and the API server's own checks), and
reported in the manifest that holds each, at the field.

Before, only charts' renders were checked: a Kustomize Blueprint's `memory: 512MiB` in a
LimitRange passed lint and compile (compile emits the Flux Kustomization, not the
objects) and failed on the cluster. An object is found in its manifest by kind and name
(`manifest_location`); its field by the path, in that file's YAML document with
positions; a field a kustomize patch or transformer adds stands at the nearest key the
manifest has. An object of a kind no schema describes is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from blueprintc.diagnostics import Finding, Location
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards import template_keys
from blueprintc.rules.guards.kustomize_support import manifest_location
from blueprintc.rules.guards.rendered_objects import extra_schemas
from blueprintc.source import InputError
from blueprintc.yamldoc import YamlDoc, load_yaml_all

if TYPE_CHECKING:
    from blueprintc.kustomize import KustomizeBuild


def kustomized_object_findings(
    ctx: BlueprintContext, built: tuple[Path, KustomizeBuild] | None = None
) -> Iterator[Finding]:
    """The findings on the objects of the Blueprint's build, or of `built` (another
    kustomization of the Blueprint, with its build)."""
    from blueprintc.validate.objects import check_object, has_schema

    top, build = built or (None, ctx.kustomize_build)
    if build.error is not None:
        return  # BPG010 (BPG023) reports a build that fails
    version = ctx.workspace.kubernetes_version
    extra = None
    for body in build.objects:
        if not isinstance(body, dict):
            continue
        api_version, kind = body.get("apiVersion"), body.get("kind")
        if not (isinstance(api_version, str) and isinstance(kind, str)):
            continue
        if not has_schema(api_version, kind, version):
            extra = extra or extra_schemas(ctx)
            if extra.schema(api_version, kind) is None:
                continue
        schema = f"{api_version} {kind} as Kubernetes {version} defines it"
        for error in check_object(body, kubernetes_version=version, extra=extra):
            yield Finding(
                f"{kind} {_name(body)}: {error.path or 'the object'}: {error.message}",
                _field_location(ctx, body, error.path, top),
                hint=f"fix the manifest: the object must match {schema}",
            )


def _name(body: dict[str, Any]) -> str:
    metadata = body.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return str(name) if name else "(no name)"


def _field_location(
    ctx: BlueprintContext, body: dict[str, Any], path: str, top: Path | None
) -> Location:
    """The field's place in the manifest document holding the object; else the object's
    (its `kind:` line), as `manifest_location` finds it."""
    where = manifest_location(ctx, body, top)
    parts = template_keys.path_parts(body, path) if path else None
    doc = _document_at(ctx, where) if parts else None
    if doc is None or parts is None:
        return where
    # The value when the manifest has it; else the key of the nearest ancestor it has.
    line, column = doc.locate(parts, key=tuple(parts) not in doc.values)
    return Location(where.file, line, column, where.json_path)


def _document_at(ctx: BlueprintContext, where: Location) -> YamlDoc | None:
    """The YAML document of `where.file` that holds line `where.line`."""
    found = None
    for doc in ctx.remember(f"manifest_documents:{where.file}", lambda: _documents(ctx, where)):
        start = doc.values.get((), (1, 1))[0]
        if start <= where.line:
            found = doc
    return found


def _documents(ctx: BlueprintContext, where: Location) -> list[YamlDoc]:
    """The YAML documents, with positions, of the manifest `where` names (parsed once per
    Blueprint: each finding in it asks); none when it is not YAML."""
    source = next((s for s in ctx.text_files if s.rel == where.file), None)
    if source is None:
        return []
    try:
        return list(load_yaml_all(source))
    except (InputError, ValueError, yaml.YAMLError):
        return []
