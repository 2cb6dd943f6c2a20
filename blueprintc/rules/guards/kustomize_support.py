"""Locating Kustomize output objects in the Blueprint's manifest files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from blueprintc.diagnostics import Location
from blueprintc.kustomize_files import kustomization_in
from blueprintc.rules.context import BlueprintContext
from blueprintc.source import SourceFile


def manifest_location(
    ctx: BlueprintContext, body: dict[str, Any], top: Path | None = None
) -> Location:
    """The `name:` line of the object in the files beside the kustomization `top` (by
    default the Blueprint's manifests'), else that kustomization file."""
    top = top or kustomization_file(ctx)
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    name = str(metadata.get("name", "")) if isinstance(metadata, dict) else ""
    kind = str(body.get("kind", ""))
    kind_pattern = kind_line(kind)
    name_line = re.compile(rf"^\s+name:\s*[\"']?{re.escape(name)}[\"']?\s*$")
    for source in manifest_sources(ctx, top.parent):
        lines = source.lines
        for number, line in enumerate(lines, start=1):
            if kind_pattern.match(line):
                for offset in range(number, min(number + 12, len(lines))):
                    if name_line.match(lines[offset]):
                        return Location(source.rel, number, 1, f"{kind}/{name}")
    return Location(ctx.rel(top), 1, 1, f"{kind}/{name}")


def manifest_sources(ctx: BlueprintContext, directory: Path | None = None) -> list[SourceFile]:
    """The Blueprint's text files in `directory`, by default its manifests directory (a
    README beside it may show a manifest, but configures nothing)."""
    directory = directory or ctx.blueprint.manifest_dir
    assert directory is not None
    return [s for s in ctx.text_files if s.path.is_relative_to(directory)]


def kind_line(kind: str) -> re.Pattern[str]:
    """A manifest's top-level `kind: <kind>` line, the kind quoted or not."""
    return re.compile(rf"^kind:\s*[\"']?{re.escape(kind)}[\"']?\s*$")


def first_line(sources: Iterable[SourceFile], pattern: re.Pattern[str]) -> Location | None:
    """The first line of `sources`, in their order, that `pattern` matches."""
    for source in sources:
        for number, line in enumerate(source.lines, start=1):
            if pattern.match(line):
                return Location(source.rel, number, 1)
    return None


def kustomization_file(ctx: BlueprintContext) -> Path:
    assert ctx.blueprint.manifest_dir is not None
    found = kustomization_in(ctx.blueprint.manifest_dir)
    return found or ctx.blueprint.manifest_dir / "kustomization.yaml"


def entry_location(ctx: BlueprintContext, entry: str, path: Path | None = None) -> Location:
    """The line of the kustomization (`path`, by default the Blueprint's manifests') that
    lists `entry` (a resource, as written), else the kustomization's first line."""
    path = path or kustomization_file(ctx)
    if path.is_file():
        for number, text in enumerate(ctx.read(path).lines, start=1):
            if listed_entry(text) == entry:
                return Location(ctx.rel(path), number, text.find(entry) + 1)
    return Location(ctx.rel(path), 1, 1)


def listed_entry(line: str) -> str:
    """The entry a kustomization's line lists (`  - "base"` -> `base`), as written."""
    return line.strip().removeprefix("- ").strip().strip("\"'")
