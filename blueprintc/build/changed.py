"""``changed --since <ref>``: the Blueprints a CI run must rebuild, and why.

A Blueprint is *changed* when a file under its directory, or under a local
``file://`` chart dependency it vendors (``upstream-charts/<name>``), differs
between the merge base of ``<ref>`` and ``HEAD`` and the working tree
(committed, staged, unstaged or untracked). Every Blueprint that depends on a
changed one through ``spec.depends`` (a name or ``{blueprint: name}``),
directly or transitively, is listed too, so a base change rebuilds its users.
"""

from __future__ import annotations

import os
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc.build.errors import BuildError
from blueprintc.childenv import child_env
from blueprintc.lint import load_blueprint
from blueprintc.repopath import workspace_prefix
from blueprintc.source import InputError, read_source
from blueprintc.workspace import discover, find_root, has_blueprint_file, load_workspace
from blueprintc.yamldoc import load_yaml

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

    def github_matrix(self) -> dict[str, Any]:
        """``strategy.matrix`` for GitHub Actions: ``{"include": [{blueprint, path}]}``."""
        return {"include": [{"blueprint": b.name, "path": b.path} for b in self.blueprints]}


@dataclass
class _Node:
    name: str
    directory: Path
    rel: str
    depends: list[str]
    sources: list[Path]  # directories whose changes change this Blueprint


def changed_blueprints(start: Path, since: str) -> ChangedResult:
    root = find_root(start)
    top_out = _git(root, "rev-parse", "--show-toplevel")
    if top_out is None:
        raise BuildError(f"{root} is not inside a git repository")
    top = Path(os.fsdecode(top_out).strip()).resolve()
    unknown = BuildError(f"unknown git ref {since!r}: fetch it first (fetch-depth: 0 in CI)")
    if since.startswith("-"):  # never an option to git
        raise unknown
    ref = _git(top, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    head = _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if ref is None or head is None:
        raise unknown
    merge_base = _git(top, "merge-base", ref.decode().strip(), head.decode().strip())
    base = (merge_base or ref).decode().strip()
    diff = _git(top, "diff", "--name-only", "--no-renames", "-z", base, "--")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    if diff is None or untracked is None:
        raise BuildError(f"git could not compare {since!r} with the working tree of {top}")
    listed = [name for raw in (diff, untracked) for name in raw.split(b"\0") if name]
    paths = {top / os.fsdecode(name) for name in listed}
    nodes = _nodes(root, top)
    direct = {n.name for n in nodes if any(_under(p, s) for p in paths for s in n.sources)}
    reasons = _with_dependents(nodes, direct)
    by_name = {n.name: n for n in nodes}
    ordered = [by_name[name] for name in _topological(nodes) if name in reasons]
    return ChangedResult(
        since, base, tuple(Changed(n.name, n.rel, reasons[n.name]) for n in ordered)
    )


def _git(cwd: Path, *args: str) -> bytes | None:
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


def _nodes(root: Path, top: Path) -> list[_Node]:
    workspace = load_workspace(root)
    prefix = workspace_prefix(root, top)  # paths are repository-relative, as CI reads them
    nodes = []
    for directory in discover([], workspace):
        if not has_blueprint_file(directory):
            continue  # not buildable without blueprint.yaml (lint reports BPI010)
        rel = prefix + workspace.rel(directory)
        try:
            blueprint = load_blueprint(directory, workspace)
        except InputError:
            nodes.append(_Node(directory.name, directory, rel, [], [directory]))
            continue
        sources = [directory, *_local_chart_sources(blueprint.manifest_dir)]
        depends = [d.blueprint for d in blueprint.depends]
        nodes.append(_Node(blueprint.name or directory.name, directory, rel, depends, sources))
    return nodes


def _local_chart_sources(chart_dir: Path | None) -> list[Path]:
    """Directories of ``file://`` dependencies in ``Chart.yaml`` (vendored upstreams)."""
    if chart_dir is None or not (chart_dir / "Chart.yaml").is_file():
        return []
    try:
        doc = load_yaml(read_source(chart_dir / "Chart.yaml", chart_dir))
    except InputError:
        return []
    deps = doc.data.get("dependencies") if isinstance(doc.data, dict) else None
    out = []
    for dep in deps if isinstance(deps, list) else []:
        repository = dep.get("repository") if isinstance(dep, dict) else None
        if isinstance(repository, str) and repository.startswith("file://"):
            out.append((chart_dir / repository[len("file://") :]).resolve())
    return out


def _with_dependents(nodes: list[_Node], direct: set[str]) -> dict[str, str]:
    dependents: dict[str, list[str]] = {}
    for node in nodes:
        for dep in node.depends:
            dependents.setdefault(dep, []).append(node.name)
    reasons = {name: "changed" for name in direct}
    queue = deque(sorted(direct))
    while queue:
        name = queue.popleft()
        for user in sorted(dependents.get(name, [])):
            if user not in reasons:
                reasons[user] = f"depends on {name}"
                queue.append(user)
    return reasons


def _topological(nodes: list[_Node]) -> list[str]:
    """Dependencies before their dependents, ties by name (cycles broken by name)."""
    names = sorted(n.name for n in nodes)
    deps = {n.name: set(n.depends) & set(names) for n in nodes}
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and deps[n] <= set(done)]
        done.append(ready[0] if ready else next(n for n in names if n not in done))
    return done


def _under(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents
