"""Adapter over the real `kubectl kustomize`."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from blueprintc import yamldata
from blueprintc.childenv import child_env
from blueprintc.diagnostics import one_line
from blueprintc.kustomize_files import kustomization_in

KUBECTL = "kubectl"


@dataclass(frozen=True)
class KustomizeBuild:
    objects: list[dict[str, Any]]
    output: str
    error: str | None
    # Offline, a kustomization that fetches these remote resources is not built.
    not_fetched: tuple[str, ...] = ()
    # The remote resource the build could not fetch, and why ("DNS lookup failed").
    unreachable: tuple[str, str] | None = None


def build(
    directory: Path,
    timeout: float = 60,
    offline: bool = False,
    root: Path | None = None,
    anywhere: bool = False,
) -> KustomizeBuild:
    """`kubectl kustomize directory`; with `offline`, not run when the kustomization (or
    a local one it includes, inside `root`) lists a remote resource, which kustomize
    would fetch. With `anywhere`, it may read files outside `directory`, as Flux's
    kustomize-controller builds a path of a Git repository (fluxcd/pkg's
    `LoadRestrictionsNone`); without, as kubectl does (a Blueprint's artifact holds its
    manifests directory only)."""
    if offline and (remote := remote_resources(directory, root)):
        return KustomizeBuild([], "", None, tuple(remote))
    if shutil.which(KUBECTL) is None:
        return KustomizeBuild([], "", "kubectl is not installed; it provides `kubectl kustomize`")
    restrictor = ["--load-restrictor", "LoadRestrictionsNone"] if anywhere else []
    proc = subprocess.run(
        [KUBECTL, "kustomize", *restrictor, str(directory)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=child_env(),
    )
    if proc.returncode != 0:
        error = clean_error(proc.stderr, directory)
        remote = remote_resources(directory, root)  # read only when a build failed
        return KustomizeBuild([], "", error, unreachable=_unreachable(error, remote))
    # Read as the API server reads it (a timestamp stays text), like Helm's output.
    objects = [
        doc for doc in yamldata.load_all(proc.stdout, kubernetes=True) if isinstance(doc, dict)
    ]
    return KustomizeBuild(objects, proc.stdout, None)


# klog quotes a one-line error (`err="..."`) and fences one of several lines (`err=< ... >`).
_KLOG = re.compile(
    r'^[EWI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" '
    r'err=(?:"(?P<err>.*)"|< (?P<block>.*) >)$',
    re.S,
)


_GO_ESCAPE = re.compile(r'\\(["\\])')


def clean_error(stderr: str, directory: Path) -> str:
    """kubectl's klog line reduced to kustomize's message, paths made relative."""
    text = one_line(stderr)
    match = _KLOG.match(text)
    if match:
        err = match.group("err")
        # The one-line form is a Go-quoted string (klog's `err="..."`): its quotes unescaped.
        text = _GO_ESCAPE.sub(r"\1", err) if err is not None else match.group("block")
    text = text.replace(str(directory.resolve()) + "/", "").replace(str(directory) + "/", "")
    return text or "kustomize failed"


# Where kustomize fetches a resource instead of reading a file: a URL, a git address, or
# a path whose first part is a host (`github.com/org/repo//dir?ref=v1`).
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|git::|[\w-]+(?:\.[\w-]+)+/)", re.I)
_LISTS = ("resources", "components", "bases")


def remote_resources(directory: Path, root: Path | None = None) -> list[str]:
    """The remote resources kustomize would fetch to build `directory`: those its
    kustomization lists, and those of the local directories it includes (read only
    inside `root`, the workspace, when given), in order."""
    return _included(directory, root).remote


def local_directories(directory: Path, root: Path | None = None) -> set[Path]:
    """`directory` and the local directories its build includes (bases, components),
    resolved; read only inside `root` when given."""
    return _included(directory, root).directories


def entries_outside(directory: Path, root: Path | None = None) -> list[tuple[Path, str]]:
    """The local entries (a base, a component, a file) by which building `directory`
    reads from outside it, each with the directory inside whose kustomization lists it,
    in order; read only inside `root` when given."""
    top = directory.resolve()
    return [
        (here, entry)
        for here, entry, path in _included(directory, root).local
        if here.resolve().is_relative_to(top) and not path.resolve().is_relative_to(top)
    ]


@dataclass(frozen=True)
class _Included:
    directories: set[Path]  # resolved
    remote: list[str]
    local: list[tuple[Path, str, Path]]  # (listing directory, entry as written, its path)


def _included(directory: Path, root: Path | None) -> _Included:
    """What building `directory` reads: its local directories, its remote resources and
    every local entry, in order."""
    remote: list[str] = []
    local: list[tuple[Path, str, Path]] = []
    pending: list[Path] = [directory]
    seen: set[Path] = set()
    while pending and len(seen) < 100:
        here = pending.pop(0)
        key = here.resolve()
        if key in seen or (root is not None and not key.is_relative_to(root.resolve())):
            continue
        seen.add(key)
        for entry in _entries(here):
            is_directory = on_disk(here / entry)
            if is_directory is not None:
                local.append((here, entry, here / entry))
                if is_directory:
                    pending.append(here / entry)
            elif _REMOTE.match(entry) and entry not in remote:
                remote.append(entry)
    return _Included(seen, remote, local)


def is_component(text: str) -> bool:
    """A kustomization file's text is a Component's (`kind: Component`), which only a
    kustomization that includes it builds."""
    try:
        documents = yamldata.load_all(text)
    except (ValueError, yaml.YAMLError):
        return False  # kustomize reports it, building it
    first = documents[0] if documents else None
    return isinstance(first, dict) and first.get("kind") == "Component"


def on_disk(path: Path) -> bool | None:
    """True for a directory, False for another entry, None when nothing is there."""
    try:
        return path.is_dir() if path.exists() else None
    except (OSError, ValueError):  # a name no file system holds (a NUL in it)
        return None


def _entries(directory: Path) -> list[str]:
    path = kustomization_in(directory)
    if path is None:
        return []
    try:
        data = yamldata.load_all(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return []  # kustomize reports it
    doc = data[0] if data and isinstance(data[0], dict) else {}
    lists = [doc.get(key) for key in _LISTS]
    return [e for items in lists if isinstance(items, list) for e in items if isinstance(e, str)]


_CAUSES = (
    ("could not resolve host", "DNS lookup failed"),
    ("no such host", "DNS lookup failed"),
    ("connection refused", "connection refused"),
    ("404", "not found (HTTP 404)"),
    ("repository not found", "repository not found"),
    ("timed out", "no answer"),
    ("i/o timeout", "no answer"),
)


def _unreachable(error: str, remote: list[str]) -> tuple[str, str] | None:
    """(the remote resource, why) when the build failed fetching one."""
    lowered = error.lower()
    for entry in remote:
        if entry not in error:  # kustomize quotes the entry as the kustomization writes it
            continue
        for marker, cause in _CAUSES:
            if marker in lowered:
                return entry, cause
    return None
