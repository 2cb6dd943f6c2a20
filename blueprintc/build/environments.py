"""Compiled Environment trees from ``out/`` as signed Flux OCI artifacts.

One tree per Environment resource in ``out/system/catalyst-config/environments/``:
every ``repos/<org>/<app>/<branch>/`` directory of that Environment's branch
plus its ``vclusters/<vc>/`` directories, at the same relative paths as in
``out/`` (so a Flux Kustomization ``path`` is the same as in Git). Emit's state
(``out/.blueprintc/``) and anything else in ``out/`` is never part of a tree.

Each tree is published to ``environments/<org>-<env>`` under two tags:

- ``rev-<12 hex>``: immutable, named by the *tree digest* (sha256 of the
  tree's deterministic tar, which is also the artifact config's ``diff_id``);
  ``rev-`` rather than ``sha256-`` so it never looks like cosign's
  ``sha256-<hex>.sig`` tags;
- ``<branch>`` (``develop``, ``staging``, ``main``, ...): moved to the newest
  tree at each publish, so a Flux ``OCIRepository`` can follow it with
  ``ref.tag: <branch>`` or pin ``ref.digest``.

Annotations: ``source`` = the Organization's Git URL on the Sovereign
(``<git base>/<org>``), ``revision`` = ``<branch>@sha256:<tree digest>``. Both
tags name one manifest digest, so one cosign signature covers both.
Republishing an unchanged tree pushes nothing; if its ``rev-`` tag already
holds the same tree under other annotations (another ``SOURCE_DATE_EPOCH`` or
source), that artifact is kept and the branch tag points at it.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from blueprintc.build.attach import sign_manifest
from blueprintc.build.errors import BuildError
from blueprintc.build.keys import Signer
from blueprintc.build.publish import PublishResult, State, publish
from blueprintc.build.target import Target
from blueprintc.oci import OCIError, flux_artifact
from blueprintc.oci.content import ANNOTATION_REVISION, sha256_digest
from blueprintc.oci.tarball import tar_bytes, tree_entries
from blueprintc.signing import signature_tag

ENVIRONMENTS_DIR = Path("system") / "catalyst-config" / "environments"
REPOSITORY_PREFIX = "environments"
REV_TAG_PREFIX = "rev-"
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class EnvironmentTree:
    """One Environment's files in ``out/``: posix paths relative to ``out/``, sorted."""

    name: str  # "<org>-<env>"
    organization: str
    branch: str
    vclusters: tuple[str, ...]
    files: list[str]


@dataclass(frozen=True)
class EnvironmentResult(PublishResult):
    """A ``PublishResult`` for the ``rev-`` tag, plus the branch tag and the tree."""

    environment: str = ""
    branch: str = ""
    tree_digest: str = ""
    branch_moved: bool = False  # the branch tag named another digest (or none) before

    @property
    def tags(self) -> tuple[str, str]:
        return (self.tag, self.branch)


def environment_trees(out: Path) -> list[EnvironmentTree]:
    """Every compiled Environment tree in ``out``, sorted by name."""
    folder = out / ENVIRONMENTS_DIR
    if not folder.is_dir():
        raise BuildError(f"{folder} does not exist: run `blueprintc compile` first")
    trees: dict[str, EnvironmentTree] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        tree = _tree(out, path)
        if tree is None:
            continue
        if tree.name in trees:
            raise BuildError(f"{path}: a second Environment named {tree.name}")
        trees[tree.name] = tree
    return [trees[name] for name in sorted(trees)]


def _tree(out: Path, path: Path) -> EnvironmentTree | None:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the Environment: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "Environment":
        return None
    metadata, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    name = _checked(path, "metadata.name", metadata.get("name"), _LABEL)
    organization = _checked(path, "spec.organization", spec.get("organization"), _LABEL)
    branch = _checked(path, "spec.branch", spec.get("branch"), _TAG)
    listed = spec.get("vclusters") or []
    if not isinstance(listed, list):
        raise BuildError(f"{path}: spec.vclusters is not a list")
    vclusters = tuple(sorted({_checked(path, "spec.vclusters[]", v, _LABEL) for v in listed}))
    apps = _dirs(out / "repos" / organization)
    roots = [app / branch for app in apps] + [out / "vclusters" / vc for vc in vclusters]
    files = sorted(f for root in roots for f in _files(out, root))
    return EnvironmentTree(name, organization, branch, vclusters, files)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _checked(path: Path, field: str, value: Any, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        shown = repr(value)[:80]
        raise BuildError(f"{path}: {field} {shown} is not a valid name")
    return value


def _dirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())


def _files(out: Path, root: Path) -> list[str]:
    """Regular files under ``root`` (none if absent) relative to ``out``; links are refused."""
    if root.is_symlink():
        raise BuildError(f"{root} is a link: trees hold files only")
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            item = Path(dirpath) / name
            mode = item.lstat().st_mode
            if stat.S_ISREG(mode):
                found.append(item.relative_to(out).as_posix())
            elif not stat.S_ISDIR(mode):
                raise BuildError(f"{item} is not a regular file (a link?): trees hold files only")
    return found


@contextmanager
def staged(out: Path, tree: EnvironmentTree) -> Iterator[Path]:
    """A temporary directory holding exactly ``tree.files`` at their relative paths."""
    with tempfile.TemporaryDirectory(prefix=f"blueprintc-{tree.name}-") as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        for rel in tree.files:
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / rel, dest)
            shutil.copymode(out / rel, dest)
        yield root


def publish_environments(
    out: Path, target: Target, signer: Signer | None, *, source_base: str
) -> list[EnvironmentResult]:
    """Publish every Environment tree of ``out`` (see the module doc); one result each."""
    base = source_base.rstrip("/")
    return [
        publish_environment(out, tree, target, signer, source=f"{base}/{tree.organization}")
        for tree in environment_trees(out)
    ]


def publish_environment(
    out: Path, tree: EnvironmentTree, target: Target, signer: Signer | None, *, source: str
) -> EnvironmentResult:
    """Publish one tree under ``rev-<12 hex>`` (immutable) and ``<branch>`` (moving)."""
    repo = target.repo(f"{REPOSITORY_PREFIX}/{tree.name}")
    with staged(out, tree) as directory:
        tree_digest = sha256_digest(tar_bytes(tree_entries(directory)))
        revision = f"{tree.branch}@{tree_digest}"
        artifact = flux_artifact(directory, source=source, revision=revision)
    rev_tag = REV_TAG_PREFIX + tree_digest.removeprefix("sha256:")[:12]
    extra = {"environment": tree.name, "branch": tree.branch, "tree_digest": tree_digest}
    store = target.store
    existing = store.resolve(repo, rev_tag)
    if existing is None or existing == artifact.digest:
        result = publish(artifact, target, repo, rev_tag, signer=signer)
    else:
        result = _same_tree(target, repo, rev_tag, existing, revision, signer)
    if not result.ok:
        return _extend(result, **extra)
    moved = store.resolve(repo, tree.branch) != result.digest
    if moved:
        fetched = store.get_manifest(repo, result.digest)
        store.push_manifest(repo, fetched.data, fetched.media_type, tree.branch)
    return _extend(result, **extra, branch_moved=moved)


def _same_tree(
    target: Target, repo: str, tag: str, existing: str, revision: str, signer: Signer | None
) -> PublishResult:
    """``tag`` names another manifest: keep it if it holds this tree, else refuse."""
    shown = target.reference(repo, tag)
    try:
        notes = target.store.get_manifest(repo, existing).json().get("annotations") or {}
    except (OCIError, ValueError) as exc:
        notes, problem = {}, f"is unreadable ({exc})"
    else:
        problem = f"holds revision {str(notes.get(ANNOTATION_REVISION))[:120]!r}"
    if not isinstance(notes, dict) or notes.get(ANNOTATION_REVISION) != revision:
        message = f"{shown} is {existing}, which {problem}, not {revision!r}: nothing was pushed"
        return PublishResult(shown, repo, tag, existing, State.REFUSED, message)
    signed = False
    if signer is not None:
        identity = target.identity(repo)
        signed = sign_manifest(target.store, repo, existing, signer, identity)
    message = f"this tree is already published as {existing}; that artifact is kept"
    return PublishResult(
        shown,
        repo,
        tag,
        existing,
        State.UNCHANGED,
        message,
        signature_tag=signature_tag(existing) if signer else None,
        newly_signed=signed,
    )


def _extend(result: PublishResult, **extra: Any) -> EnvironmentResult:
    base = {f.name: getattr(result, f.name) for f in fields(PublishResult)}
    return EnvironmentResult(**base, **extra)


def sovereign_git_base(root: Path) -> str:
    """``spec.git.baseUrl`` of the workspace's Sovereign (the default ``source`` base)."""
    from blueprintc.compile.inputs import setting
    from blueprintc.model.sovereign import normalise_sovereign
    from blueprintc.source import InputError, read_source
    from blueprintc.workspace import load_workspace
    from blueprintc.yamldoc import load_yaml

    try:
        workspace = load_workspace(root)
        path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
        source = read_source(path, workspace.root, workspace.max_file_bytes)
        base = normalise_sovereign(load_yaml(source)).git_base_url
    except InputError as exc:
        raise BuildError(f"cannot read the Sovereign's Git URL ({exc}): pass --source") from None
    if not base:
        raise BuildError(f"{path} has no spec.git.baseUrl: pass --source")
    return base.rstrip("/")
