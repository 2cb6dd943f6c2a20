"""The kustomizations of an emitted tree: what each refers to, and which ones to build.

A tree holds many ``kustomization.yaml`` files, most of them referenced by another
(an Application repo's root lists its per-region folders, a bootstrap kit lists its
slots). Building a kustomization builds everything it references, so only the *entry
points* are built: the kustomizations no other kustomization in the tree refers to
(through ``resources``, ``bases`` or ``components``). Kustomizations reachable from no
entry point (a reference cycle) are entry points too, so every one is covered.

When an entry point fails, the kustomizations it lists under ``resources``/``bases`` are
built on their own, wave by wave, and the failure is reported at the deepest one that
still fails: that is the file to fix. Components are never built on their own, because a
component only makes sense inside the kustomization that uses it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from blueprintc.childenv import child_env
from blueprintc.cores import usable_cores
from blueprintc.kustomize import KUBECTL, clean_error
from blueprintc.threadpool import thread_pool

BUILD_TIMEOUT = 60.0


@dataclass(frozen=True)
class KustomizationRefs:
    """One kustomization file and the local paths it refers to."""

    file: Path
    resources: tuple[Path, ...] = ()  # resources and bases: files and directories
    components: tuple[Path, ...] = ()
    inputs: frozenset[Path] = field(default_factory=frozenset)  # patches, generator files...

    @property
    def directory(self) -> Path:
        return self.file.parent


def read_kustomization(file: Path) -> KustomizationRefs:
    """The local references of a kustomization file; none when it cannot be parsed.

    ``inputs`` are the files kustomize reads as something other than a resource: patches,
    ConfigMap/Secret generator sources, replacements, transformer configurations, Helm
    values files. They are not whole Kubernetes objects, so they are not schema-checked.
    """
    try:
        data = yaml.load(file.read_text("utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return KustomizationRefs(file)
    if not isinstance(data, dict):
        return KustomizationRefs(file)
    here = file.parent
    return KustomizationRefs(
        file,
        resources=tuple(_local(here, _strings(data, "resources", "bases"))),
        components=tuple(_local(here, _strings(data, "components"))),
        inputs=frozenset(_local(here, _inputs(data))),
    )


def entry_points(kustomizations: dict[Path, KustomizationRefs]) -> list[Path]:
    """Directories of the kustomizations to build: see the module docstring."""
    referenced = {
        target
        for refs in kustomizations.values()
        for target in (*refs.resources, *refs.components)
        if target in kustomizations
    }
    entries = sorted(set(kustomizations) - referenced)
    reached = _reachable(entries, kustomizations)
    return entries + sorted(set(kustomizations) - reached)


def build_failures(
    root: Path,
    kustomizations: dict[Path, KustomizationRefs],
    *,
    jobs: int | None = None,
    timeout: float = BUILD_TIMEOUT,
) -> list[tuple[Path, str]]:
    """(kustomization file, kustomize's message) for each kustomization to fix.

    Builds run ``kubectl kustomize`` in a thread pool of ``jobs`` workers (default: the
    CPU count, at most 8). Messages name paths relative to ``root``.
    """
    entries = entry_points(kustomizations)
    if not entries:
        return []
    if shutil.which(KUBECTL) is None:
        message = f"kubectl is not installed; {len(entries)} kustomization(s) were not built"
        return [(kustomizations[entries[0]].file, message)]
    workers = jobs or usable_cores()
    failed: dict[Path, str] = {}
    with thread_pool(workers) as pool:
        seen, wave = set(entries), entries
        while wave:
            errors = list(pool.map(lambda d: _build_error(d, root, timeout), wave))
            children: list[Path] = []
            for directory, error in zip(wave, errors, strict=True):
                if error is None:
                    continue
                failed[directory] = error
                for child in kustomizations[directory].resources:
                    if child in kustomizations and child not in seen:
                        seen.add(child)
                        children.append(child)
            wave = sorted(children)
    return [
        (kustomizations[directory].file, error)
        for directory, error in sorted(failed.items())
        if not _failing_child(directory, failed, kustomizations)
    ]


def _build_error(directory: Path, root: Path, timeout: float) -> str | None:
    try:
        proc = subprocess.run(
            [KUBECTL, "kustomize", str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
            env=child_env(),
        )
    except subprocess.TimeoutExpired:
        return f"kubectl kustomize timed out after {timeout:g}s"
    if proc.returncode == 0:
        return None
    message = clean_error(proc.stderr, root)  # klog's one-line and `err=< ... >` forms
    return re.sub(re.escape(str(root)) + r"(?![\w.-])", ".", message)


def _failing_child(
    directory: Path, failed: dict[Path, str], kustomizations: dict[Path, KustomizationRefs]
) -> bool:
    """Whether a resource of ``directory`` fails on its own (and is not in a cycle with it)."""
    return any(
        child in failed and directory not in _reachable([child], kustomizations)
        for child in kustomizations[directory].resources
    )


def _reachable(starts: Iterable[Path], kustomizations: dict[Path, KustomizationRefs]) -> set[Path]:
    seen: set[Path] = set()
    stack = list(starts)
    while stack:
        directory = stack.pop()
        if directory in seen or directory not in kustomizations:
            continue
        seen.add(directory)
        refs = kustomizations[directory]
        stack.extend((*refs.resources, *refs.components))
    return seen


def _strings(data: dict[str, Any], *keys: str) -> Iterator[str]:
    for key in keys:
        yield from _list(data.get(key))


def _inputs(data: dict[str, Any]) -> Iterator[str]:
    """Paths kustomize reads as patches, generator sources, configurations or values."""
    yield from _strings(
        data,
        "patchesStrategicMerge",
        "configurations",
        "crds",
        "transformers",
        "generators",
        "validators",
    )
    for key in ("patches", "patchesJson6902", "replacements"):
        yield from _field(data.get(key), "path")
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield openapi["path"]
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in _dicts(data.get(key)):
            for source in _list(generator.get("files")):
                yield source.partition("=")[2] or source
            yield from _list(generator.get("envs"))
            if isinstance(generator.get("env"), str):
                yield generator["env"]
    for chart in _dicts(data.get("helmCharts")):
        yield from _field([chart], "valuesFile")
        yield from _list(chart.get("additionalValuesFiles"))


def _field(items: object, key: str) -> Iterator[str]:
    for item in _dicts(items):
        if isinstance(item.get(key), str):
            yield item[key]


def _dicts(items: object) -> Iterator[dict[str, Any]]:
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, dict))


def _list(items: object) -> Iterator[str]:
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, str))


def _local(directory: Path, entries: Iterable[str]) -> Iterator[Path]:
    """Entries that name local paths (not URLs, not inline YAML), made absolute."""
    for entry in entries:
        if "\n" in entry or "://" in entry or entry.startswith(("git@", "github.com/")):
            continue
        yield Path(os.path.normpath(directory / entry))
