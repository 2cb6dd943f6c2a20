"""Compiled Environment trees from ``out/`` as signed Flux OCI artifacts.

One tree per Environment resource in ``out/system/catalyst-config/environments/``:
every ``repos/<org>/<app>/<branch>/`` directory of that Environment's branch
plus its ``vclusters/<vc>/`` directories, at the same relative paths as in
``out/`` (so a Flux Kustomization ``path`` is the same as in Git). Emit's state
(``out/.blueprintc/``) and anything else in ``out/`` is never part of a tree;
``envtree`` reads them exactly as compile's manifest records them.

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

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc.build.attach import sign_manifest
from blueprintc.build.envtree import EnvironmentTree, environment_trees
from blueprintc.build.errors import BuildError

if TYPE_CHECKING:
    from blueprintc.model.sovereign import Sovereign
from blueprintc.build.keys import Signer
from blueprintc.build.publish import PublishResult, State, publish
from blueprintc.build.target import Target
from blueprintc.oci import OCIError, flux_artifact
from blueprintc.oci.content import ANNOTATION_REVISION, sha256_digest
from blueprintc.oci.tarball import tar_bytes, tree_entries
from blueprintc.signing import signature_tag
from blueprintc.urlcreds import credentials_in_url

REPOSITORY_PREFIX = "environments"
REV_TAG_PREFIX = "rev-"


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


@contextmanager
def staged(tree: EnvironmentTree) -> Iterator[Path]:
    """A private temporary directory holding exactly ``tree.files`` at their relative
    paths, with the bytes read (and verified) from out/: out/ is not read again."""
    with tempfile.TemporaryDirectory(prefix=f"blueprintc-{tree.name}-") as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        for rel in tree.files:
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(tree.contents[rel])
        yield root


def publish_environments(
    out: Path,
    target: Target,
    signer: Signer | None,
    *,
    source_base: str,
    trees: list[EnvironmentTree] | None = None,
) -> list[EnvironmentResult]:
    """Publish every Environment tree of ``out`` (see the module doc); one result each.

    The trees are read first, all of them, as ``envtree`` says (recovered, under
    compile's lock, verified against the manifest); a refusal publishes nothing.
    ``trees``: those the caller has read so already (before it created the layout).
    """
    check_source_base(source_base)
    base = source_base.rstrip("/")
    return [
        publish_environment(tree, target, signer, source=f"{base}/{tree.organization}")
        for tree in (environment_trees(out) if trees is None else trees)
    ]


def check_source_base(source_base: str) -> None:
    """Refuse a source URL with credentials (they would land in every annotation)."""
    carried = credentials_in_url(source_base)
    if carried is not None:
        raise BuildError(
            f"the source URL carries {carried} (not shown): it would be written into every "
            "artifact's annotations; give it without credentials"
        )


def publish_environment(
    tree: EnvironmentTree, target: Target, signer: Signer | None, *, source: str
) -> EnvironmentResult:
    """Publish one tree under ``rev-<12 hex>`` (immutable) and ``<branch>`` (moving)."""
    repo = target.repo(f"{REPOSITORY_PREFIX}/{tree.name}")
    with staged(tree) as directory:
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


def sovereign_spec(root: Path) -> tuple[Path, Sovereign]:
    """The workspace's Sovereign spec (its path and its normalised content)."""
    from blueprintc.compile.inputs import setting
    from blueprintc.model.sovereign import normalise_sovereign
    from blueprintc.source import read_source
    from blueprintc.workspace import load_workspace
    from blueprintc.yamldoc import load_yaml

    workspace = load_workspace(root)
    path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
    source = read_source(path, workspace.root, workspace.max_file_bytes)
    return path, normalise_sovereign(load_yaml(source))


def sovereign_git_base(root: Path) -> str:
    """``spec.git.baseUrl`` of the workspace's Sovereign (the default ``source`` base)."""
    from blueprintc.source import InputError

    try:
        path, sovereign = sovereign_spec(root)
    except InputError as exc:
        raise BuildError(f"cannot read the Sovereign's Git URL ({exc}): pass --source") from None
    if not sovereign.git_base_url:
        raise BuildError(f"{path} has no spec.git.baseUrl: pass --source")
    return sovereign.git_base_url.rstrip("/")
