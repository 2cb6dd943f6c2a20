"""Plain manifest directories applied on every host cluster before or after the kit
(`spec.kit.before`, `spec.kit.after`: an `infrastructure/` step of CRDs, priority
classes or namespaces a hand-written kit applies around its HelmReleases).

Each directory of the workspace is read through the safe input layer, its YAML
files parsed (a duplicate key, a FIFO or a link out of the workspace is a finding
at that file, as for every input), and re-emitted under
`clusters/<sovereign>/manifests/<name>/` with the Sovereign FQDN parametrised, with
its own `kustomization.yaml` or one listing its files. Each host cluster then gets a
Flux Kustomization `<name>`: the kit's depends on the `before` ones, the `after`
ones on the kit. `<name>` is the directory's last part.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc.compile import flux
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputfiles import inside, tree_files
from blueprintc.compile.reads import InputReads
from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import diagnostic_from_input
from blueprintc.model.sovereign import Sovereign
from blueprintc.source import InputError
from blueprintc.suppression import tolerance
from blueprintc.workspace import Workspace
from blueprintc.yamldoc import load_yaml_all

MANIFESTS_ROOT = "manifests"
KUSTOMIZATION = "kustomization.yaml"
# The names of each host cluster's own files and Flux Kustomizations.
RESERVED = frozenset({"bootstrap-kit", "catalyst-config", "kit", "kustomization", "parameters"})
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@dataclass
class ManifestDir:
    """One directory of plain manifests and its parsed files (by path inside it)."""

    name: str
    stage: str  # "before" or "after" the kit
    files: dict[str, list[Any]] = field(default_factory=dict)


def kit_manifest_paths(sovereign: Sovereign) -> list[tuple[str, int, str]]:
    """(stage, index, directory) of every `spec.kit.before`/`after` entry."""
    settings = sovereign.kit_settings
    return [("before", i, d) for i, d in enumerate(settings.before)] + [
        ("after", i, d) for i, d in enumerate(settings.after)
    ]


def manifest_files(workspace: Workspace, directory: str) -> list[Path]:
    """The YAML files of a manifest directory inside the workspace (none otherwise:
    `load_manifest_dirs` reports why); the fingerprint hashes exactly these."""
    path = _inside(workspace, directory)
    if path is None:
        return []
    return [p for p in tree_files(path) if p.suffix in (".yaml", ".yml")]


def load_manifest_dirs(
    workspace: Workspace, reads: InputReads, sovereign: Sovereign, digest: Any
) -> tuple[list[ManifestDir], list[Diagnostic]]:
    found: list[Diagnostic] = []
    loaded: list[ManifestDir] = []
    names: set[str] = set()
    for stage, index, directory in kit_manifest_paths(sovereign):
        where = at(sovereign.doc, ("spec", "kit", stage, index))
        path = _inside(workspace, directory)
        name = directory.rstrip("/").rsplit("/", 1)[-1]
        problem = None
        if path is None:
            problem = f"{directory} is not a directory inside the workspace"
        elif not _NAME.match(name) or name in RESERVED:
            problem = (
                f"{directory}: its last part {name!r} names its Flux Kustomization, and must "
                f"be a DNS label other than {', '.join(sorted(RESERVED))}"
            )
        elif name in names:
            problem = f"{directory}: another manifest directory is also named {name!r}"
        if problem is not None:
            found.append(report("BPP015", problem, where, _HINT))
            continue
        assert path is not None
        names.add(name)
        entry = ManifestDir(name, stage)
        for file in manifest_files(workspace, directory):
            try:
                source = reads.source(file)
            except InputError:
                continue  # reported with every refused input
            digest.update(f"{source.rel}\n".encode() + source.text.encode())
            documents = []
            try:
                for doc in load_yaml_all(source, tolerance(workspace)):
                    found.extend(diagnostic_from_input(e) for e in doc.findings)
                    if doc.data is not None:
                        documents.append(doc.data)
            except InputError as exc:
                found.append(diagnostic_from_input(exc))
                continue
            entry.files[file.relative_to(path).as_posix()] = documents
        loaded.append(entry)
    return loaded, found


_HINT = "name a directory of plain manifests inside the workspace, e.g. `before: [infrastructure]`"


def _inside(workspace: Workspace, directory: str) -> Path | None:
    """The workspace directory `directory` names; None when it is absolute, leaves the
    workspace (links resolved) or is not a directory."""
    path = workspace.root / directory
    if os.path.isabs(directory) or not inside(path, workspace.root) or not path.is_dir():
        return None
    return path


def manifest_documents(
    sovereign: Sovereign, loaded: list[ManifestDir], parametrise: Any
) -> dict[str, list[dict[str, Any]]]:
    """The files under `clusters/<sovereign>/manifests/`, by output path."""
    documents: dict[str, list[Any]] = {}
    for entry in loaded:
        root = f"clusters/{sovereign.name}/{MANIFESTS_ROOT}/{entry.name}"
        for rel, docs in sorted(entry.files.items()):
            documents[f"{root}/{rel}"] = [parametrise(d) for d in docs]
        if KUSTOMIZATION not in entry.files:
            listed = sorted(rel for rel in entry.files)
            documents[f"{root}/{KUSTOMIZATION}"] = [flux.kustomization(listed)]
    return documents
