"""``changed --since <ref>``: the Blueprints a CI run must rebuild, and why.

A Blueprint is *changed* when a file under its directory, or under a local
``file://`` chart dependency it vendors (``upstream-charts/<name>``), differs
between the merge base of ``<ref>`` and ``HEAD`` and the working tree
(committed, staged, unstaged or untracked). Every Blueprint that depends on a
changed one through ``spec.depends`` (a name or ``{blueprint: name}``),
directly or transitively, is listed too, so a base change rebuilds its users.
A change to what every Blueprint reads (blueprintc.yaml, the canon file, overlays,
the workspace's schemas/) changes every Blueprint; a Blueprint whose blueprint.yaml
is gone is reported ``deleted`` (and is not in the matrix: nothing is left to build).
"""

from __future__ import annotations

import os
import subprocess
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from blueprintc.blueprint_names import canonical
from blueprintc.build.errors import BuildError
from blueprintc.chartsources import local_chart_sources
from blueprintc.childenv import child_env
from blueprintc.lint import load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.repopath import workspace_prefix
from blueprintc.source import InputError
from blueprintc.workspace import (
    BLUEPRINT_FILE,
    WORKSPACE_FILE,
    Workspace,
    discover,
    find_root,
    has_blueprint_file,
    load_workspace,
)

GIT = "git"
GIT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Changed:
    name: str
    path: str  # repository-relative Blueprint directory (the git top level's)
    reason: str  # "changed" or "depends on <name>"


@dataclass(frozen=True)
class ChangedResult:
    since: str
    base: str  # the commit compared against
    blueprints: tuple[Changed, ...]
    deleted: tuple[Changed, ...] = ()  # reason "deleted": nothing left to build

    def github_matrix(self) -> dict[str, Any]:
        """``strategy.matrix`` for GitHub Actions: ``{"include": [{blueprint, path}]}``
        (what exists to build: deleted Blueprints are not in it)."""
        return {"include": [{"blueprint": b.name, "path": b.path} for b in self.blueprints]}


@dataclass
class _Node:
    name: str
    directory: Path
    rel: str
    depends: list[str]
    sources: list[Path]  # directories whose changes change this Blueprint
    blueprint: Blueprint | None = None  # None: its blueprint.yaml does not load


@dataclass(frozen=True)
class Comparison:
    """The working tree against the merge base of a ref and HEAD."""

    since: str
    top: Path  # the git top level
    base: str  # the commit compared against
    paths: frozenset[Path]  # changed, added, deleted and untracked files
    workspace: Workspace
    prefix: str  # the workspace's directory, relative to `top`
    nodes: tuple[_Node, ...]  # every Blueprint with a blueprint.yaml

    def at_base(self, path: Path) -> bytes | None:
        """The bytes of `path` at the base commit (None: not there)."""
        return git_output(self.top, "show", f"{self.base}:{path.relative_to(self.top).as_posix()}")


def changed_blueprints(start: Path, since: str) -> ChangedResult:
    return changed_in(compare(start, since))


def changed_in(comparison: Comparison) -> ChangedResult:
    top, paths, workspace, nodes = (
        comparison.top,
        comparison.paths,
        comparison.workspace,
        list(comparison.nodes),
    )
    wide = sorted(p for p in paths if any(under(p, w) for w in _workspace_inputs(workspace)))
    if wide:  # every Blueprint's build reads it
        why = f"workspace input changed: {wide[0].relative_to(top).as_posix()}"
        reasons = {n.name: why for n in nodes}
    else:
        direct = {n.name for n in nodes if any(under(p, s) for p in paths for s in n.sources)}
        reasons = _with_dependents(nodes, direct)
    by_name = {n.name: n for n in nodes}
    ordered = [by_name[name] for name in _topological(nodes) if name in reasons]
    found = [Changed(n.name, n.rel, reasons[n.name]) for n in ordered]
    deleted = _deleted(top, comparison.base, set(paths), workspace)
    return ChangedResult(comparison.since, comparison.base, tuple(found), tuple(deleted))


def compare(start: Path, since: str) -> Comparison:
    """What differs since `since` (its merge base with HEAD) in the repository holding
    the workspace of `start`; BuildError for no repository or an unknown ref."""
    root = find_root(start)
    top_out = git_output(root, "rev-parse", "--show-toplevel")
    if top_out is None:
        raise BuildError(f"{root} is not inside a git repository")
    top = Path(os.fsdecode(top_out).strip()).resolve()
    unknown = BuildError(f"unknown git ref {since!r}: fetch it first (fetch-depth: 0 in CI)")
    if since.startswith("-"):  # never an option to git
        raise unknown
    ref = git_output(top, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    head = git_output(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if ref is None or head is None:
        raise unknown
    merge_base = git_output(top, "merge-base", ref.decode().strip(), head.decode().strip())
    base = (merge_base or ref).decode().strip()
    diff = git_output(top, "diff", "--name-only", "--no-renames", "-z", base, "--")
    untracked = git_output(top, "ls-files", "--others", "--exclude-standard", "-z")
    if diff is None or untracked is None:
        raise BuildError(f"git could not compare {since!r} with the working tree of {top}")
    listed = [name for raw in (diff, untracked) for name in raw.split(b"\0") if name]
    paths = frozenset(top / os.fsdecode(name) for name in listed)
    workspace = load_workspace(root)
    prefix = workspace_prefix(workspace.root, top)  # paths are repository-relative, as CI reads
    nodes = tuple(_nodes(workspace, prefix))
    return Comparison(since, top, base, paths, workspace, prefix, nodes)


def git_output(cwd: Path, *args: str) -> bytes | None:
    """``git ARGS``'s output in ``cwd``, None when it fails; run without credentials in
    its environment (``child_env``)."""
    try:
        proc = subprocess.run(
            [GIT, *args],
            cwd=cwd,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise BuildError("git is not installed; `changed` needs it") from None
    except subprocess.TimeoutExpired:
        raise BuildError(f"git {args[0]} took over {GIT_TIMEOUT:g} s in {cwd}") from None
    return proc.stdout if proc.returncode == 0 else None


def _workspace_inputs(workspace: Workspace) -> list[Path]:
    """What every Blueprint's lint, build or compile reads: blueprintc.yaml, the canon file
    it names, the overlays directory and the workspace's schemas/ directory."""
    data = workspace.doc.data if workspace.doc is not None else None
    config = data if isinstance(data, dict) else {}
    names = [WORKSPACE_FILE, "schemas"]
    for key, default in (("canon", None), ("overlays", "overlays")):
        value = config.get(key, default)
        if isinstance(value, str):
            names.append(value)
    return [Path(os.path.normpath(workspace.root / name)) for name in names]


def _deleted(top: Path, base: str, paths: set[Path], workspace: Workspace) -> list[Changed]:
    """Blueprints whose blueprint.yaml existed at ``base`` and is gone now, named as they
    were named there (their directory's name when that file does not say)."""
    out = []
    for path in sorted(paths):
        gone = path.name == BLUEPRINT_FILE and not os.path.lexists(path)
        if not gone or not under(path, workspace.root):
            continue
        rel = path.relative_to(top).as_posix()
        name = path.parent.name
        text = git_output(top, "show", f"{base}:{rel}")
        try:
            document = yaml.safe_load(text) if text is not None else None
        except yaml.YAMLError:
            document = None
        metadata = document.get("metadata") if isinstance(document, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
            name = metadata["name"]
        out.append(Changed(name, path.parent.relative_to(top).as_posix(), "deleted"))
    return out


def _catalog(workspace: Workspace) -> list[Path]:
    """The workspace's Blueprint directories (`catalog_dirs`: every Blueprint below the
    root in a repository with no `blueprintc.yaml` and no `blueprints/`); none in such a
    repository that holds no Blueprint at all, where lint with no paths refuses."""
    try:
        return discover([], workspace)
    except InputError:
        if workspace.doc is not None:
            raise
        return []


def _nodes(workspace: Workspace, prefix: str) -> list[_Node]:
    nodes = []
    for directory in _catalog(workspace):
        if not has_blueprint_file(directory):
            continue  # not buildable without blueprint.yaml (lint reports BPI010)
        rel = prefix + workspace.rel(directory)
        try:
            blueprint = load_blueprint(directory, workspace)
        except InputError:
            nodes.append(_Node(directory.name, directory, rel, [], [directory]))
            continue
        sources = [directory, *local_chart_sources(blueprint.manifest_dir)]
        depends = [d.blueprint for d in blueprint.depends]
        name = blueprint.name or directory.name
        nodes.append(_Node(name, directory, rel, depends, sources, blueprint))
    return nodes


def dependents(nodes: Sequence[_Node], name: str) -> list[_Node]:
    """The Blueprints that depend on `name`, directly or through others (`spec.depends`)."""
    reasons = _with_dependents(list(nodes), {name})
    return [n for n in nodes if n.name in reasons and n.name != name]


def _with_dependents(nodes: list[_Node], direct: set[str]) -> dict[str, str]:
    dependents: dict[str, list[str]] = {}
    for node in nodes:
        for dep in node.depends:
            dependents.setdefault(canonical(dep), []).append(node.name)
    reasons = {name: "changed" for name in direct}
    queue = deque(sorted(direct))
    while queue:
        name = queue.popleft()
        for user in sorted(dependents.get(canonical(name), [])):
            if user not in reasons:
                reasons[user] = f"depends on {name}"
                queue.append(user)
    return reasons


def _topological(nodes: list[_Node]) -> list[str]:
    """Dependencies before their dependents, ties by name (cycles broken by name)."""
    names = sorted({n.name for n in nodes})  # two Blueprints of one name: lint says so
    known = {canonical(n): n for n in names}
    deps = {n.name: {known[d] for d in map(canonical, n.depends) if d in known} for n in nodes}
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and deps[n] <= set(done)]
        done.append(ready[0] if ready else next(n for n in names if n not in done))
    return done


def under(path: Path, directory: Path) -> bool:
    """`path` is `directory` or lies below it."""
    return path == directory or directory in path.parents
