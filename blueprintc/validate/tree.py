"""Validate an emitted tree: every object against its schema, every kustomization builds.

``validate_tree(out)`` reads every ``*.yaml`` file under ``out`` (hidden directories such
as ``.git`` skipped), each document of it a Kubernetes object checked by
:func:`blueprintc.validate.objects.check_object` (BPC001). Two kinds of file are not
objects and are skipped: kustomization files, which are checked by building them, and
the files a kustomization reads as patches, generator sources, configurations or Helm
values. Kustomizations are built with ``kubectl kustomize`` (BPC002), but only the
entry points, the kustomizations that no other one in the tree refers to: a build
includes everything the kustomization refers to, so this covers the whole tree at the
cost of one subprocess per entry point (see ``blueprintc.validate.kustomizations``).
Builds run in a small thread pool while the objects are validated.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from blueprintc.diagnostics import Diagnostic, Location, one_line, sorted_diagnostics
from blueprintc.kustomize_files import KUSTOMIZATION_FILES
from blueprintc.rules.output_rules import (
    EMITTED_OBJECT_SCHEMA,
    KUSTOMIZE_BUILD,
    UNRESOLVED_REFERENCE,
    diagnostic,
)
from blueprintc.validate.extra_schemas import ExtraSchemas, load_locations
from blueprintc.validate.kubernetes import schema_set_for
from blueprintc.validate.kustomizations import (
    build_failures,
    read_kustomization,
)
from blueprintc.validate.objects import DEFAULT_KUBERNETES_VERSION, check_object
from blueprintc.validate.references import unresolved_references
from blueprintc.yamldoc import syntax_error


def validate_tree(
    out: Path,
    *,
    kustomize: bool = True,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    jobs: int | None = None,
    schema_locations: tuple[Path, ...] = (),
) -> list[Diagnostic]:
    """BPC001/BPC002/BPC003 diagnostics for the tree at ``out``, sorted; empty when it
    is sound.

    Locations are relative to ``out``. ``kustomize=False`` skips the builds; ``jobs`` is
    the number of concurrent ``kubectl kustomize`` processes (default: CPU count, max 8).
    Raises NotADirectoryError when ``out`` is not a directory, ValueError for a
    Kubernetes version kubernetes-validate does not carry.
    """
    schema_set_for(kubernetes_version)  # fail fast on an unsupported version
    root = out.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"no output tree at {out}")
    objects, kustomization_files = _walk(root)
    kustomizations = {f.parent: read_kustomization(f) for f in kustomization_files}
    inputs = frozenset().union(*(refs.inputs for refs in kustomizations.values()))
    inputs -= frozenset().union(*(refs.resources for refs in kustomizations.values()))
    diagnostics: list[Diagnostic] = []
    to_build = kustomizations if kustomize else {}
    extra = load_locations(schema_locations) if schema_locations else None
    planned: dict[str, list[Any]] = {}
    with ThreadPoolExecutor(max_workers=1) as background:
        builds = background.submit(build_failures, root, to_build, jobs=jobs)
        for file in objects:
            if file not in inputs:
                found, documents = _check_file(file, root, kubernetes_version, extra)
                diagnostics.extend(found)
                planned[file.relative_to(root).as_posix()] = documents
        diagnostics.extend(_build_diagnostic(root, *item) for item in builds.result())
    for file in kustomization_files:
        planned[file.relative_to(root).as_posix()] = _kustomization_data(file)
    diagnostics.extend(_unresolved(planned))
    return sorted_diagnostics(diagnostics)


def _kustomization_data(file: Path) -> list[Any]:
    try:
        return [yaml.load(file.read_text("utf-8"), Loader=yaml.CSafeLoader)]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []  # BPC002 reports it


def _unresolved(files: dict[str, list[Any]]) -> list[Diagnostic]:
    """BPC003 for each reference that names nothing on its cluster, at its file."""
    return [
        diagnostic(
            UNRESOLVED_REFERENCE,
            f"{problem.message} (on {problem.cluster})",
            Location(problem.file),
        )
        for problem in unresolved_references(files, set(files))
    ]


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """(object files, kustomization files) under ``root``, in a stable order."""
    objects: list[Path] = []
    kustomization_files: list[Path] = []
    for base, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name in KUSTOMIZATION_FILES:
                kustomization_files.append(Path(base, name))
            elif name.endswith(".yaml"):
                objects.append(Path(base, name))
    return objects, kustomization_files


def _check_file(
    file: Path, root: Path, kubernetes_version: str, extra: ExtraSchemas | None = None
) -> tuple[list[Diagnostic], list[Any]]:
    """The file's BPC001 diagnostics, and its documents (for the reference check)."""
    rel = file.relative_to(root).as_posix()
    found: list[Diagnostic] = []
    documents: list[Any] = []
    try:
        for line, document in _documents(file.read_text("utf-8")):
            if document is None:
                continue
            documents.append(document)
            label = _describe(document)
            for error in check_object(document, kubernetes_version=kubernetes_version, extra=extra):
                location = Location(rel, line, 1, error.path)
                found.append(diagnostic(EMITTED_OBJECT_SCHEMA, f"{label}: {error}", location))
    except UnicodeDecodeError as exc:
        found.append(
            diagnostic(EMITTED_OBJECT_SCHEMA, f"not UTF-8 text: {exc.reason}", Location(rel))
        )
    except yaml.MarkedYAMLError as exc:
        line, column, problem = syntax_error(exc)
        where = Location(rel, line, column)
        found.append(diagnostic(EMITTED_OBJECT_SCHEMA, f"not valid YAML: {problem}", where))
    except yaml.YAMLError as exc:
        message = f"not valid YAML: {one_line(exc)}"
        found.append(diagnostic(EMITTED_OBJECT_SCHEMA, message, Location(rel)))
    return found, documents


def _documents(text: str) -> Iterator[tuple[int, Any]]:
    """(1-based line where the document's content starts, data) for each YAML document."""
    loader = yaml.CSafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            yield node.start_mark.line + 1, loader.construct_document(node)
    finally:
        loader.dispose()


def _describe(document: Any) -> str:
    if not isinstance(document, dict):
        return "document"
    kind = document.get("kind")
    metadata = document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    if not isinstance(name, str):
        return str(kind) if isinstance(kind, str) else "object"
    qualified = f"{namespace}/{name}" if isinstance(namespace, str) else name
    return f"{kind} {qualified}" if isinstance(kind, str) else qualified


def _build_diagnostic(root: Path, file: Path, message: str) -> Diagnostic:
    location = Location(file.relative_to(root).as_posix())
    return diagnostic(KUSTOMIZE_BUILD, f"kubectl kustomize failed: {message}", location)
