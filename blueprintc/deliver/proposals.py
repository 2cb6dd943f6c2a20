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
# Where `blueprintc promote --remote` pushes a promotion of a branch (its pull request
# carries the promotion's gates): `blueprintc/promote/<branch>`.
PROMOTION_PREFIX = f"{PREFIX}promote/"


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
    promotion = repo.references.get(f"{tracking}{PROMOTION_PREFIX}{branch}")
    promoted = repo.get(promotion.target) if promotion is not None else None
    if isinstance(promoted, pygit2.Commit) and promoted.tree_id == tree:
        # Proposed already, with its gates: a second pull request, with approvals alone,
        # would let a merge skip the soak, score and change windows (`open_pull`).
        head = f"{PROMOTION_PREFIX}{branch}"
        return BranchResult(name, branch, "proposed", str(promoted.id), head), None
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
    if head.startswith(PROMOTION_PREFIX):
        return _promotion(name, branch, head, commit, pull)
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


def _promotion(
    name: str, branch: str, head: str, commit: str, pull: dict[str, Any] | None
) -> BranchResult:
    """The change a promotion's branch holds: proposed by its pull request, never by
    one of deliver's; with that pull request closed, nothing proposes it."""
    if pull is None:
        why = (
            f"the change to {branch} is the promotion on {head}, whose pull request is "
            "closed: promote again (`blueprintc promote ORG/APP --to ENV --remote`) or put "
            "the lock entry back (`--rollback`), then deliver again"
        )
        return BranchResult(name, branch, "failed", commit, why)
    where = pull.get("html_url") or f"#{pull.get('number')}"
    detail = (
        f"the promotion's pull request #{pull.get('number')} ({where}) from {head} holds "
        "this change: `blueprintc promote --merge` merges it once its gates hold"
    )
    return BranchResult(name, branch, "proposed", commit, detail)
