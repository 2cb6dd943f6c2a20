"""A change to a protected branch, proposed as a pull request instead of pushed.

The commit is made on the branch's server tip, exactly as a direct delivery would make
it, on a proposal branch named after that tip and the new tree
(``blueprintc/<branch>/<tip8>-<tree8>``): the same change on the same tip is the same
branch, so a rerun finds its proposal (no second commit, branch or pull request), and
nothing is ever force-pushed. A newer change on the same tip is a new branch and a new
pull request; the older one stays for its reviewers to close.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pygit2

from blueprintc.deliver.embedded import BranchResult, Identity, commit_branch, write_tree

if TYPE_CHECKING:
    from blueprintc.deliver.signing import CommitSigner
    from blueprintc.gitea import Gitea

PREFIX = "blueprintc/"


def proposal_branch(branch: str, tip: pygit2.Oid, tree: pygit2.Oid) -> str:
    return f"{PREFIX}{branch}/{str(tip)[:8]}-{str(tree)[:8]}"


def prepare(
    repo: pygit2.Repository,
    name: str,
    branch: str,
    files: dict[str, bytes],
    tip: pygit2.Commit,
    tracking: str,
    who: Identity,
    digest: str,
    signer: CommitSigner | None,
) -> tuple[BranchResult, str | None]:
    """(result, proposal branch to push): "unchanged" when the server's branch already
    holds the tree; "proposed" with no branch to push when the proposal is on the
    server; else the new commit on the proposal branch (its result names that branch)."""
    tree = write_tree(repo, files)
    if tip.tree_id == tree:
        return BranchResult(name, branch, "unchanged", str(tip.id)), None
    head = proposal_branch(branch, tip.id, tree)
    on_server = repo.references.get(f"{tracking}{head}")
    if on_server is not None:
        return BranchResult(name, branch, "proposed", str(on_server.target), head), None
    repo.references.create(f"refs/heads/{head}", tip.id, force=True)
    done = commit_branch(repo, name, head, files, who, digest, signer)
    return done, head


def open_pull(
    api: Gitea, name: str, branch: str, head: str, commit: str, repo: pygit2.Repository
) -> BranchResult:
    """The open pull request of ``head`` into ``branch`` (opened when there is none)."""
    owner, repo_name = name.split("/", 1)
    pull: dict[str, Any] | None = next(
        (p for p in api.open_pulls(owner, repo_name) if (p.get("head") or {}).get("ref") == head),
        None,
    )
    if pull is None:
        made = repo.get(commit)
        message = made.message if made is not None else ""
        summary, _, body = message.partition("\n")
        option = {
            "head": head,
            "base": branch,
            "title": f"blueprintc: {summary.strip() or f'deliver {name} {branch}'}",
            "body": body.strip() + f"\n\nProposed by blueprintc: {branch} is protected.",
        }
        pull = api.create_pull(owner, repo_name, option)
    where = pull.get("html_url") or f"#{pull.get('number')}"
    detail = f"pull request #{pull.get('number')} ({where}) from {head}: {branch} is protected"
    return BranchResult(name, branch, "proposed", commit, detail)


def as_proposed(result: BranchResult, branch: str) -> BranchResult:
    """A proposal branch's push result, reported under the branch it proposes to."""
    return replace(result, branch=branch)
