"""A promotion as a pull request in the Application's Gitea repository.

The recompiled branch goes to one promotion branch per target branch,
`blueprintc/promote/<branch>`, so a rerun updates the pull request already open for
that Application and Environment instead of opening a second. Nothing is forced:
the new commit's parents are the promotion branch's tip (its history continues)
and the target's tip (the pull request merges without conflict), so every push is
a fast-forward. The protected target branch is never pushed to: Gitea merges.

The pull request body is the plan, the gate table and a marker (an HTML comment
with the Application, the Environments, the source commit and the plan digest) from
which `promote --merge` knows what it is looking at. The gates are also posted as a
commit status on the head, where Gitea shows them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygit2

from blueprintc import __version__
from blueprintc.deliver.branchplan import GIT_DIR
from blueprintc.deliver.embedded import (
    TRAILER,
    BranchResult,
    Identity,
    open_repo,
    write_commit,
    write_tree,
)
from blueprintc.deliver.proposals import PROMOTION_PREFIX
from blueprintc.deliver.remote import TRACKING, push_branches, remote_tip
from blueprintc.deliver.transport import AuthRefused, Callbacks, why_failed
from blueprintc.gitea import Gitea, GiteaError, failing_api
from blueprintc.promote.gates import (
    STATUS_CONTEXT,
    CommitStatus,
    GatePolicy,
    GateResult,
    Promotion,
    Review,
    commit_status,
    evaluate,
)
from blueprintc.promote.request import PromoteError

if TYPE_CHECKING:
    from blueprintc.deliver.credentials import Credentials
    from blueprintc.deliver.signing import CommitSigner

PREFIX = PROMOTION_PREFIX
_MARKER = re.compile(r"<!-- blueprintc-promotion (\{.*?\}) -->")


def promotion_branch(branch: str) -> str:
    return f"{PREFIX}{branch}"


@dataclass(frozen=True)
class Marker:
    """What a promotion pull request is about, as its body records it."""

    application: str
    source: str
    target: str
    branch: str
    source_commit: str
    plan: str

    def text(self) -> str:
        data = {
            "application": self.application,
            "from": self.source,
            "to": self.target,
            "branch": self.branch,
            "sourceCommit": self.source_commit,
            "plan": self.plan,
        }
        return f"<!-- blueprintc-promotion {json.dumps(data, sort_keys=True)} -->"

    @classmethod
    def find(cls, body: str) -> Marker | None:
        match = _MARKER.search(body or "")
        if match is None:
            return None
        try:
            data = json.loads(match.group(1))
            return cls(
                str(data["application"]),
                str(data["from"]),
                str(data["to"]),
                str(data["branch"]),
                str(data["sourceCommit"]),
                str(data["plan"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


@dataclass
class Remote:
    """One Application repository on a Gitea: the API and the embedded clone."""

    base: str
    name: str  # org/app
    api: Gitea
    repo: pygit2.Repository
    remote: pygit2.Remote
    creds: Credentials | None

    @property
    def owner(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def repo_name(self) -> str:
        return self.name.split("/", 1)[1]

    @property
    def url(self) -> str:
        return f"{self.base}/{self.name}.git"

    def tip(self, branch: str) -> pygit2.Commit | None:
        return remote_tip(self.repo, branch)


def gitea_api(base: str, creds: Credentials | None, timeout: float) -> Gitea:
    """The Gitea API at `base`, checked to answer as one."""
    api = Gitea(base, creds, timeout)
    try:
        if api.version() is None:
            raise PromoteError(f"{base} has no Gitea API: promotions are Gitea pull requests")
    except GiteaError as exc:
        if exc.failing:
            raise PromoteError(failing_api(base, exc)) from None
        said = exc.message if exc.status == 0 else f"{base}: {exc.message}"
        raise PromoteError(f"{said}: check --remote and the credentials") from None
    return api


def connect(
    out: Path,
    base: str,
    name: str,
    creds: Credentials | None,
    timeout: float,
    api: Gitea | None = None,
) -> Remote:
    """The repository `name` at the Gitea `base`, its branches fetched (`api`: the one
    already checked by `gitea_api`)."""
    api = api or gitea_api(base, creds, timeout)
    repo = open_repo(out / GIT_DIR / f"{name}.git")
    url = f"{base}/{name}.git"
    remote = repo.remotes.create_anonymous(url)
    try:
        remote.fetch([f"+refs/heads/*:{TRACKING}*"], callbacks=Callbacks(creds))
    except (pygit2.GitError, AuthRefused, OSError) as exc:
        raise PromoteError(why_failed(exc, base, url, creds)[1]) from None
    return Remote(base, name, api, repo, remote, creds)


def landed_at(tip: pygit2.Commit) -> dt.datetime:
    """When the branch's content at `tip` arrived: the commit time of the oldest
    first-parent ancestor with the same tree (later commits that changed nothing
    do not restart the soak)."""
    first = tip
    while first.parents and first.parents[0].tree_id == tip.tree_id:
        first = first.parents[0]
    return dt.datetime.fromtimestamp(first.commit_time, dt.UTC)


def push_head(
    remote: Remote,
    branch: str,
    files: dict[str, bytes],
    message: str,
    who: Identity,
    signer: CommitSigner | None,
) -> str | None:
    """The head of the promotion branch for `branch` holding `files` (pushed when
    new); None when `branch` itself already holds them."""
    target = remote.tip(branch)
    if target is None:
        raise PromoteError(
            f"{remote.url} has no branch {branch} yet: deliver the compiled tree first "
            "(`blueprintc deliver --remote`), then promote"
        )
    tree = write_tree(remote.repo, files)
    if target.tree_id == tree:
        return None
    head = promotion_branch(branch)
    current = remote.tip(head)
    if current is not None and TRAILER not in current.message:
        raise PromoteError(
            f"branch {head} of {remote.url} holds history blueprintc did not write: "
            "delete it on the server, then promote again"
        )
    repo = remote.repo
    if current is not None and current.tree_id == tree and _contains(repo, current, target):
        return str(current.id)
    if current is None or _contains(repo, target, current):
        parents = [target.id]
    else:
        parents = [current.id] + ([] if _contains(repo, current, target) else [target.id])
    commit = write_commit(repo, f"refs/heads/{head}", who, message, tree, parents, signer)
    pushed = push_branches(
        repo,
        remote.remote,
        remote.name,
        [BranchResult(remote.name, head, "delivered", str(commit))],
        remote.base,
        remote.url,
        remote.creds,
    )
    if pushed[0].status != "delivered":
        raise PromoteError(pushed[0].detail or f"the push of {head} failed")
    return str(commit)


def tree_files(remote: Remote, commit: pygit2.Commit) -> dict[str, bytes]:
    """The files of the branch at `commit` (repository paths): what its promotion pull
    request is compared with (a file larger than any compile writes is refused)."""
    from blueprintc.build.envtree import MAX_FILE_BYTES

    files: dict[str, bytes] = {}
    pending: list[tuple[str, pygit2.Tree]] = [("", commit.tree)]
    while pending:
        prefix, tree = pending.pop()
        for item in tree:
            path = f"{prefix}{item.name}"
            if isinstance(item, pygit2.Tree):
                pending.append((f"{path}/", item))
            elif isinstance(item, pygit2.Blob):
                if item.size > MAX_FILE_BYTES:
                    raise PromoteError(
                        f"{remote.url}: {path} on {str(commit.id)[:12]} is larger than "
                        f"{MAX_FILE_BYTES} bytes, more than blueprintc writes: remove it there"
                    )
                files[path] = item.data
    return files


def _contains(repo: pygit2.Repository, tip: pygit2.Commit, other: pygit2.Commit) -> bool:
    """`other` is `tip` or one of its ancestors."""
    return tip.id == other.id or repo.descendant_of(tip.id, other.id)


def open_pull(remote: Remote, branch: str) -> dict[str, Any] | None:
    """The open promotion pull request into `branch`, if there is one."""
    head = promotion_branch(branch)
    for pull in remote.api.open_pulls(remote.owner, remote.repo_name):
        if (pull.get("head") or {}).get("ref") == head and (pull.get("base") or {}).get(
            "ref"
        ) == branch:
            return remote.api.pull(remote.owner, remote.repo_name, int(pull["number"]))
    return None


def gate_results(
    remote: Remote,
    policy: GatePolicy,
    pull: dict[str, Any],
    source: str,
    source_branch: str,
    now: dt.datetime,
    re_context: str,
) -> tuple[GateResult, ...]:
    """The gates of `pull` at `now`, from what Gitea and the source branch say."""
    number = int(pull["number"])
    reviews = remote.api.reviews(remote.owner, remote.repo_name, number)
    tip = remote.tip(source_branch)
    statuses = remote.api.statuses(remote.owner, remote.repo_name, str(tip.id)) if tip else []
    promotion = Promotion(
        source_env=source,
        author=str((pull.get("user") or {}).get("login", "")),
        head_sha=str((pull.get("head") or {}).get("sha", "")),
        source_commit=str(tip.id) if tip else "",
        source_landed_at=landed_at(tip) if tip else None,
        reviews=tuple(Review.from_gitea(r) for r in reviews),
        source_statuses=tuple(CommitStatus.from_gitea(s) for s in statuses),
        re_score_context=re_context,
    )
    return evaluate(policy, promotion, now)


def post_status(remote: Remote, sha: str, results: tuple[GateResult, ...], url: str) -> None:
    option = commit_status(results) | ({"target_url": url} if url else {})
    remote.api.set_status(remote.owner, remote.repo_name, sha, option)


def commit_message(title: str, plan_digest: str, source_branch: str, source_commit: str) -> str:
    return (
        f"{title}\n\n"
        f"Plan: {plan_digest}\n"
        f"From: {source_branch} {source_commit}\n\n"
        f"{TRAILER} {__version__}\n"
    )


__all__ = ["STATUS_CONTEXT", "Marker", "Remote", "connect", "landed_at", "open_pull"]
