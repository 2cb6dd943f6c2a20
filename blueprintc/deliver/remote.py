"""``deliver --remote``: the embedded delivery, then each repository's branches pushed
over smart HTTP(S) to ``<base>/<org>/<app>.git`` (and ``<base>/system/fleet.git``).

Per repository (``--jobs`` of them at once, each in its own thread: libgit2 network
calls release the GIL): fetch the remote's branches into ``refs/blueprintc/remote/``
of the embedded repository; a remote branch becomes the parent of the new commit, so
the remote, not the local copy, is the truth and a fresh ``out/`` continues its
history; commit every changed tree (signed when asked); push only the branches whose
tip differs from the remote's, never forced. A remote branch whose tip blueprintc
did not write is refused and named. One repository's failure (refused push,
protection, a server gone mid-push) leaves its branches at their old tips and does
not stop the others; the remote ref moves only when the server accepted the update,
so a rerun pushes what is missing and finishes the job.

The transport is pygit2 (libgit2, already the git layer; ``deliver/transport.py``):
no ``git`` process per repository, and credentials are handed to it in memory
(never in a URL or a process's arguments). Unreachable servers and refused
credentials are found on the first repository and reported once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from blueprintc import progress
from blueprintc.build.envtree import compiled_files
from blueprintc.deliver import proposals
from blueprintc.deliver.branchplan import FLEET_REPO, GIT_DIR, plan
from blueprintc.deliver.credentials import Credentials, credentials_for
from blueprintc.deliver.embedded import (
    BranchResult,
    DeliveryResult,
    Identity,
    commit_branch,
    inputs_digest,
    open_repo,
    written_by_blueprintc,
)
from blueprintc.deliver.errors import DeliverError
from blueprintc.deliver.provision import Provisioner, api_failure, gated_branches, is_protected
from blueprintc.deliver.settle import after_push
from blueprintc.deliver.transport import (
    DEFAULT_TIMEOUT_S,
    AuthRefused,
    Callbacks,
    check_remote,
    set_timeouts,
    why_failed,
)
from blueprintc.diagnostics import one_line
from blueprintc.gitea import Gitea, GiteaError, failing_api
from blueprintc.threadpool import thread_pool

if TYPE_CHECKING:
    from blueprintc.deliver.signing import CommitSigner
    from blueprintc.model.sovereign import Mirror

TRACKING = "refs/blueprintc/remote/"
# What a server says refusing a push to a protected branch: Gitea's pre-receive answers
# "Not allowed to push to protected branch <b>" (routers/private/hook_pre_receive.go).
PROTECTION_WORDS = ("protected branch", "is protected")
PROTECTED_REFUSAL = "refused as a protected branch"


def deliver_remote(
    out: Path,
    base: str,
    who: Identity,
    signer: CommitSigner | None = None,
    jobs: int = 4,
    timeout: float = DEFAULT_TIMEOUT_S,
    mirrors: tuple[Mirror, ...] = (),
) -> DeliveryResult:
    """Deliver every branch of ``out`` to ``base`` (see the module doc); a server
    silent for ``timeout`` seconds fails the repository it was serving. With a Gitea
    API, the ``mirrors`` are made sure of too (a plain git server cannot mirror)."""
    base = check_remote(base)
    if signer is not None:
        from blueprintc.deliver.signing import check_trusted

        check_trusted(out, signer)
    files = compiled_files(out, then="deliver again")
    digest = inputs_digest(out)
    repos: dict[str, dict[str, dict[str, bytes]]] = {}
    for (name, branch), tree in plan(files).items():
        repos.setdefault(name, {})[branch] = tree
    if not repos:
        return DeliveryResult()
    creds = credentials_for(base)
    set_timeouts(timeout)
    provisioner = _gitea(base, creds, timeout, files)
    if mirrors and provisioner is None:
        raise DeliverError(
            f"{base} has no Gitea API (GET /api/v1/version), so the spec.git.mirrors "
            "cannot be made there: deliver to the Sovereign's Gitea"
        )
    _preflight(out, base, sorted(repos)[0], creds)
    for name in _removed_repos(out, set(repos), provisioner):
        repos[name] = {}

    def one(name: str) -> list[BranchResult]:
        return _deliver_repo(out, base, name, repos[name], creds, who, digest, signer, provisioner)

    result = DeliveryResult()
    with (
        progress.phase("push repositories", len(repos)) as step,
        thread_pool(max(1, jobs)) as pool,
    ):
        for branches in pool.map(one, sorted(repos)):
            step()
            result.branches.extend(branches)
    if provisioner is not None and mirrors:
        from blueprintc.deliver.mirrors import ensure_mirrors

        result.mirrors = ensure_mirrors(provisioner, mirrors)
    return result


def _gitea(
    base: str, creds: Credentials | None, timeout: float, files: dict[str, bytes]
) -> Provisioner | None:
    """The Gitea API at ``base`` (None for a plain git server: no API to provision
    with, repositories must exist); refused credentials or no answer end the run."""
    api = Gitea(base, creds, timeout)
    try:
        if api.version() is None:
            return None
    except GiteaError as exc:
        if exc.status == 0:
            raise DeliverError(f"{exc.message}: check --remote and the network") from None
        if exc.failing:
            raise DeliverError(failing_api(base, exc) + ": nothing was pushed") from None
        raise DeliverError(why_failed(AuthRefused(), base, base, creds)[1]) from None
    from blueprintc.deliver.webhooks import planned_hooks, webhook_token

    token = webhook_token()
    return Provisioner(api, gated_branches(files), planned_hooks(files, token), token)


def _preflight(out: Path, base: str, name: str, creds: Credentials | None) -> None:
    """An unreachable server or refused credentials: one error for the whole run."""
    repo = open_repo(out / GIT_DIR / f"{name}.git")
    remote = repo.remotes.create_anonymous(f"{base}/{name}.git")
    try:
        remote.list_heads(callbacks=Callbacks(creds))
    except (pygit2.GitError, AuthRefused, OSError) as exc:
        kind, why = why_failed(exc, base, f"{base}/{name}.git", creds)
        if kind in ("auth", "unreachable"):
            raise DeliverError(why) from None


def _deliver_repo(
    out: Path,
    base: str,
    name: str,
    branches: dict[str, dict[str, bytes]],
    creds: Credentials | None,
    who: Identity,
    digest: str,
    signer: CommitSigner | None,
    provisioner: Provisioner | None = None,
) -> list[BranchResult]:
    url = f"{base}/{name}.git"
    rules: list[str] = []
    removed = not branches  # an Application no longer compiled: its branches are emptied
    if provisioner is not None:
        try:
            if removed and provisioner.api.repo(*name.split("/", 1)) is None:
                return []
            if not removed:
                provisioner.ensure_repo(name)
            rules = provisioner.protected(name)
        except GiteaError as exc:
            return _all_failed(name, branches, api_failure(exc, name))
    try:
        repo = open_repo(out / GIT_DIR / f"{name}.git")
        remote = repo.remotes.create_anonymous(url)
        remote.fetch([f"+refs/heads/*:{TRACKING}*"], callbacks=Callbacks(creds))
    except (pygit2.GitError, AuthRefused, OSError) as exc:
        kind, why = why_failed(exc, base, url, creds)
        if removed and kind == "missing":
            return []
        return _all_failed(name, branches, why)
    if removed:
        branches = {branch: {} for branch in _ours_not_empty(repo)}
    results: list[BranchResult] = []
    to_push: list[BranchResult] = []
    proposing: dict[str, str] = {}  # proposal branch -> the protected branch it is for
    push_args = (base, url, creds, who, digest, signer)
    for branch, tree in sorted(branches.items()):
        try:
            server_tip = remote_tip(repo, branch)
            if server_tip is not None and not written_by_blueprintc(server_tip):
                results.append(_unrelated(name, branch, url, server_tip))
                continue
            if server_tip is not None and is_protected(branch, rules):
                done, head = proposals.prepare(
                    repo, name, branch, tree, server_tip, TRACKING, who, digest, signer
                )
                if head is not None and done.status == "delivered":
                    proposing[head] = branch
                    to_push.append(done)
                else:
                    results.append(done)
                continue
            if server_tip is not None:
                repo.references.create(f"refs/heads/{branch}", server_tip.id, force=True)
            done = commit_branch(repo, name, branch, tree, who, digest, signer)
        except (pygit2.GitError, OSError) as exc:
            results.append(BranchResult(name, branch, "failed", detail=f"{exc}; then rerun"))
            continue
        if done.status == "failed" or (
            server_tip is not None and str(server_tip.id) == done.commit
        ):
            results.append(done)
        else:
            to_push.append(done)
    if to_push:
        results.extend(push_branches(repo, remote, name, to_push, base, url, creds))
    if provisioner is not None:
        results = _propose_refused(repo, remote, name, branches, results, proposing, push_args)
        results = after_push(provisioner, repo, name, results, proposing, rules)
    return sorted(results, key=lambda r: r.branch)


def _propose_refused(
    repo: pygit2.Repository,
    remote: pygit2.Remote,
    name: str,
    branches: dict[str, dict[str, bytes]],
    results: list[BranchResult],
    proposing: dict[str, str],
    push_args: tuple[str, str, Credentials | None, Identity, str, CommitSigner | None],
) -> list[BranchResult]:
    """A push the server refused as a protected branch's (a protection the API did not
    list, or one added since) is proposed as a pull request instead, once."""
    base, url, creds, who, digest, signer = push_args
    refused = [
        r
        for r in results
        if r.status == "failed" and r.branch in branches and PROTECTED_REFUSAL in r.detail
    ]
    if not refused:
        return results
    kept = [r for r in results if r not in refused]
    retry: list[BranchResult] = []
    for result in refused:
        tip = remote_tip(repo, result.branch)
        if tip is None:  # a protected branch that does not exist yet: nothing to propose on
            kept.append(result)
            continue
        done, head = proposals.prepare(
            repo, name, result.branch, branches[result.branch], tip, TRACKING, who, digest, signer
        )
        if head is not None and done.status == "delivered":
            proposing[head] = result.branch
            retry.append(done)
        else:
            kept.append(done)
    if retry:
        kept.extend(push_branches(repo, remote, name, retry, base, url, creds))
    return kept


def _ours_not_empty(repo: pygit2.Repository) -> list[str]:
    """The server's branches blueprintc wrote that still hold files (proposal branches
    aside): what a removed Application leaves to empty."""
    found = []
    for ref in repo.references:
        if not ref.startswith(TRACKING):
            continue
        branch = ref[len(TRACKING) :]
        tip = repo.get(repo.references[ref].target)
        if (
            isinstance(tip, pygit2.Commit)
            and not branch.startswith(proposals.PREFIX)
            and written_by_blueprintc(tip)
            and len(tip.tree) > 0
        ):
            found.append(branch)
    return sorted(found)


def _removed_repos(out: Path, planned: set[str], provisioner: Provisioner | None) -> list[str]:
    """Application repositories delivered before and not compiled now: those this
    out/ delivered into (out/git/), and with a Gitea, the other repositories of the
    organisations delivered to (a fresh out/ on a CI runner remembers none). Only
    branches blueprintc wrote are touched in them (see ``_ours_not_empty``)."""
    git_dir = out / GIT_DIR
    found = {
        f"{p.parent.name}/{p.name[: -len('.git')]}" for p in git_dir.glob("*/*.git") if p.is_dir()
    }
    if provisioner is not None:
        for org in sorted({name.split("/", 1)[0] for name in planned} - {"system"}):
            try:
                found.update(f"{org}/{repo}" for repo in provisioner.api.org_repos(org))
            except GiteaError:
                continue  # that organisation's removals wait for a run that can list it
    return sorted(found - planned - {FLEET_REPO})


def remote_tip(repo: pygit2.Repository, branch: str) -> pygit2.Commit | None:
    ref = repo.references.get(f"{TRACKING}{branch}")
    if ref is None:
        return None
    tip = repo.get(ref.target)
    assert isinstance(tip, pygit2.Commit)
    return tip


def push_branches(
    repo: pygit2.Repository,
    remote: pygit2.Remote,
    name: str,
    to_push: list[BranchResult],
    base: str,
    url: str,
    creds: Credentials | None,
) -> list[BranchResult]:
    callbacks = Callbacks(creds)
    specs = [f"refs/heads/{r.branch}:refs/heads/{r.branch}" for r in to_push]  # never "+"
    try:
        remote.push(specs, callbacks=callbacks)
    except (pygit2.GitError, AuthRefused, OSError) as exc:
        why = why_failed(exc, base, url, creds)[1]
        return [BranchResult(name, r.branch, "failed", r.commit, why) for r in to_push]
    said = one_line(" ".join(callbacks.server_text))
    results = []
    for r in to_push:
        refused = callbacks.rejected.get(f"refs/heads/{r.branch}")
        if refused is None:
            repo.references.create(f"{TRACKING}{r.branch}", pygit2.Oid(hex=r.commit), force=True)
            results.append(BranchResult(name, r.branch, "delivered", r.commit))
            continue
        detail = f"{url} refused the push of {r.branch} ({refused})"
        if said:
            detail += f": the server said {said[:300]!r}"
        if "fast-forward" in refused or "fetch first" in refused:
            detail += "; the branch moved while delivering: deliver again"
        elif any(words in said.lower() for words in PROTECTION_WORDS):
            detail += f"; {PROTECTED_REFUSAL}: nothing was forced; deliver to a Gitea to "
            detail += "have it proposed as a pull request"
        else:
            detail += "; nothing was forced: resolve it on the server (a protected branch "
            detail += "takes a pull request), then deliver again"
        results.append(BranchResult(name, r.branch, "failed", r.commit, detail))
    return results


def _unrelated(name: str, branch: str, url: str, tip: pygit2.Commit) -> BranchResult:
    return BranchResult(
        name,
        branch,
        "failed",
        detail=(
            f"branch {branch} of {url} holds history blueprintc did not write (tip "
            f"{str(tip.id)[:12]}); nothing was pushed, never forced: move that history to "
            "another branch or repository (or delete the branch on the server), then "
            "deliver again"
        ),
    )


def _all_failed(name: str, branches: Iterable[str], why: str) -> list[BranchResult]:
    return [BranchResult(name, b, "failed", detail=why) for b in sorted(branches)]
