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
from blueprintc.kustomize_files import KUSTOMIZATION_FILES

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
    directory: Path, timeout: float = 60, offline: bool = False, root: Path | None = None
) -> KustomizeBuild:
    """`kubectl kustomize directory`; with `offline`, not run when the kustomization (or
    a local one it includes, inside `root`) lists a remote resource, which kustomize
    would fetch."""
    if offline and (remote := remote_resources(directory, root)):
        return KustomizeBuild([], "", None, tuple(remote))
    if shutil.which(KUBECTL) is None:
        return KustomizeBuild([], "", "kubectl is not installed; it provides `kubectl kustomize`")
    proc = subprocess.run(
        [KUBECTL, "kustomize", str(directory)],
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
    return _included(directory, root)[1]


def local_directories(directory: Path, root: Path | None = None) -> set[Path]:
    """`directory` and the local directories its build includes (bases, components),
    resolved; read only inside `root` when given."""
    return _included(directory, root)[0]


def _included(directory: Path, root: Path | None) -> tuple[set[Path], list[str]]:
    """What building `directory` reads: its local directories (resolved) and its remote
    resources, in order."""
    found: list[str] = []
    pending: list[Path] = [directory]
    seen: set[Path] = set()
    while pending and len(seen) < 100:
        here = pending.pop(0)
        key = here.resolve()
        if key in seen or (root is not None and not key.is_relative_to(root.resolve())):
            continue
        seen.add(key)
        for entry in _entries(here):
            local = on_disk(here / entry)
            if local is not None:
                if local:
                    pending.append(here / entry)
            elif _REMOTE.match(entry) and entry not in found:
                found.append(entry)
    return seen, found


def is_component(text: str) -> bool:
    """A kustomization file's text is a Component's (`kind: Component`), which only a
    kustomization that includes it builds."""
    try:
        documents = yamldata.load_all(text)
    except (ValueError, yaml.YAMLError):
        return False  # kustomize reports it, building it
    return (
        bool(documents)
        and isinstance(documents[0], dict)
        and documents[0].get("kind") == ("Component")
    )


def on_disk(path: Path) -> bool | None:
    """True for a directory, False for another entry, None when nothing is there."""
    try:
        return path.is_dir() if path.exists() else None
    except (OSError, ValueError):  # a name no file system holds (a NUL in it)
        return None


def _entries(directory: Path) -> list[str]:
    for name in KUSTOMIZATION_FILES:
        path = directory / name
        if path.is_file():
            try:
                data = yamldata.load_all(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
                return []  # kustomize reports it
            doc = data[0] if data and isinstance(data[0], dict) else {}
            lists = [doc.get(key) for key in _LISTS]
            return [
                e for items in lists if isinstance(items, list) for e in items if isinstance(e, str)
            ]
    return []


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
