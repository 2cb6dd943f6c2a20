"""What follows a repository's push on a Gitea: the pull requests of its proposals,
the protection of its gated branches, its Flux webhooks. An API failure fails the
branches it concerns (their commits are delivered; a rerun finishes the rest)."""

from __future__ import annotations

import pygit2

from blueprintc.deliver import proposals
from blueprintc.deliver.embedded import BranchResult
from blueprintc.deliver.provision import Provisioner, api_failure
from blueprintc.gitea import GiteaError


def after_push(
    provisioner: Provisioner,
    repo: pygit2.Repository,
    name: str,
    results: list[BranchResult],
    proposing: dict[str, str],
    rules: list[str],
) -> list[BranchResult]:
    """Pull requests for the proposals (new or found on the server), then protection
    for the gated branches now on the server; an API failure fails that branch."""
    final: list[BranchResult] = []
    for result in results:
        base_branch = proposing.get(result.branch)
        if base_branch is not None and result.status != "delivered":
            result = proposals.as_proposed(result, base_branch)  # a failed proposal push
        elif base_branch is not None or result.status == "proposed":
            target = base_branch or result.branch
            head = result.branch if base_branch is not None else result.detail
            try:
                result = proposals.open_pull(
                    provisioner.api, name, target, head, result.commit, repo
                )
            except GiteaError as exc:
                why = f"pushed {head}, but {api_failure(exc, name)}"
                result = BranchResult(name, target, "failed", result.commit, why)
        final.append(result)
    on_server = {
        r.branch for r in final if r.status in ("delivered", "unchanged", "proposed") and r.commit
    }
    gated = provisioner.gates.get(name.split("/", 1)[0], {})
    try:
        provisioner.protect(name, on_server, rules)
    except GiteaError as exc:
        final = _fail(final, set(gated), f"protecting it failed: {api_failure(exc, name)}")
    try:
        if on_server:
            provisioner.register_hooks(name)
    except GiteaError as exc:
        why = f"registering its Flux webhooks failed: {api_failure(exc, name)}"
        final = _fail(final, {r.branch for r in final}, why)
    return final


def _fail(results: list[BranchResult], branches: set[str], why: str) -> list[BranchResult]:
    """The results of ``branches`` as failed: delivered, but the repository is not yet
    as the platform expects (a rerun finishes it)."""
    return [
        BranchResult(r.repo, r.branch, "failed", r.commit, f"delivered, but {why}")
        if r.branch in branches and r.status != "failed"
        else r
        for r in results
    ]
