"""Open or update a promotion's pull request; merge the ones whose gates all hold.

`propose` pushes the recompiled branch (proposal.py) and opens the pull request for
that Application and Environment, or updates the one already open, with the plan
and the gate table as its body and the gates as a commit status on its head. The
plan is made again against the target branch as the server holds it: the local one
starts from the previous lock and out/, which an unmerged earlier promotion moved.

`merge` re-evaluates every gate at merge time and merges through Gitea's API, guarded
by the head commit the gates were evaluated on, only when all hold and the head is
exactly what a compile of the current lock gives the branch; the merge commit
records the approvers, the gate results and the plan digest, and carries the
delivery trailer, so the next `deliver` recognises the branch as blueprintc's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc import __version__
from blueprintc.compile.catalyst_config import policy_resource
from blueprintc.deliver.embedded import TRAILER, Identity, write_tree
from blueprintc.gitea import GiteaError
from blueprintc.promote.gates import RE_SCORE_CONTEXT, GatePolicy, GateResult, all_hold
from blueprintc.promote.local import LocalPromotion, branch_files
from blueprintc.promote.plan import PromotionPlan, render_plan
from blueprintc.promote.proposal import (
    PREFIX,
    Marker,
    Remote,
    commit_message,
    connect,
    gate_results,
    gitea_api,
    open_pull,
    post_status,
    push_head,
    tree_files,
)
from blueprintc.promote.request import PromoteError, Request, resolve

if TYPE_CHECKING:
    from blueprintc.compile.inputs import Inputs
    from blueprintc.deliver.credentials import Credentials
    from blueprintc.deliver.signing import CommitSigner


@dataclass(frozen=True)
class Settings:
    """How to reach the Gitea and judge the gates."""

    base: str
    creds: Credentials | None
    timeout: float = 60.0
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    re_context: str = RE_SCORE_CONTEXT


@dataclass(frozen=True)
class PullResult:
    application: str
    target: str
    status: str  # opened, updated, on-branch | merged, refused
    number: int | None = None
    url: str = ""
    head: str = ""
    gates: tuple[GateResult, ...] = ()
    detail: str = ""
    plan: PromotionPlan | None = None  # what the pull request changes, as its body shows


def policy_of(inputs: Inputs, request: Request) -> GatePolicy:
    assert inputs.sovereign is not None
    return GatePolicy.from_spec(policy_resource(inputs.sovereign, request.org, request.env)["spec"])


def title_of(done: LocalPromotion) -> str:
    request, plan = done.request, done.plan
    old = plan.version_from or (done.old.version if done.old else "(none)")
    what = f"{plan.blueprint or done.new.blueprint} {old} → {done.new.version}"
    if old == done.new.version:
        what = f"{done.new.blueprint} {done.new.version} (config)"
    if done.rollback:
        return f"Roll back {request.name} {request.env.env_type}: {what}"
    return f"Promote {request.name} {request.source.env_type} → {request.env.env_type}: {what}"


def propose(
    out: Path,
    inputs: Inputs,
    done: LocalPromotion,
    settings: Settings,
    who: Identity,
    signer: CommitSigner | None = None,
) -> PullResult:
    """Push the promotion and open (or update) its pull request (see the module doc)."""
    request = done.request
    remote = connect(out, settings.base, request.name, settings.creds, settings.timeout)
    target = remote.tip(done.branch)
    if target is not None:  # the pull request changes the branch as the server holds it
        done = done.against(tree_files(remote, target))
    source_branch = request.source.branch
    source_tip = remote.tip(source_branch)
    source_commit = str(source_tip.id) if source_tip else ""
    title = title_of(done)
    digest = done.plan.digest()
    message = commit_message(title, digest, source_branch, source_commit)
    head = push_head(remote, done.branch, done.after, message, who, signer)
    env_type = request.env.env_type
    if head is None:
        held = f"{done.branch} holds it"
        return PullResult(request.name, env_type, "on-branch", detail=held, plan=done.plan)
    marker = Marker(
        request.name, request.source.env_type, env_type, done.branch, source_commit, digest
    )
    pull = open_pull(remote, done.branch)
    status = "updated"
    try:
        if pull is None:
            option = {
                "head": f"{PREFIX}{done.branch}",
                "base": done.branch,
                "title": title,
                "body": _body(title, done, None, marker),
            }
            created = remote.api.create_pull(remote.owner, remote.repo_name, option)
            pull = remote.api.pull(remote.owner, remote.repo_name, int(created["number"]))
            status = "opened"
        policy = policy_of(inputs, request)
        gates = gate_results(
            remote,
            policy,
            pull,
            request.source.env_type,
            source_branch,
            settings.now,
            settings.re_context,
        )
        number = int(pull["number"])
        body = _body(title, done, gates, marker)
        remote.api.edit_pull(remote.owner, remote.repo_name, number, {"title": title, "body": body})
        url = str(pull.get("html_url") or "")
        post_status(remote, head, gates, url)
    except GiteaError as exc:
        raise PromoteError(f"{remote.name}: {exc}") from None
    return PullResult(request.name, env_type, status, number, url, head, gates, plan=done.plan)


def _body(
    title: str, done: LocalPromotion, gates: tuple[GateResult, ...] | None, marker: Marker
) -> str:
    return render_plan(title, done.plan, gates) + "\n" + marker.text() + "\n"


def merge(
    out: Path,
    inputs: Inputs,
    settings: Settings,
    applications: list[str] | None = None,
) -> list[PullResult]:
    """Merge every open promotion pull request of `applications` (ORG/APP; default:
    every Application of the workspace; the caller checks a name it was given with
    `request.application`) whose gates all hold; refuse the others.
    Only a repository with an open promotion pull request is fetched: asking the API
    for a repository's open pull requests is one request, fetching it a clone's worth."""
    names = applications or sorted(
        f"{org.slug}/{app.name}" for org in inputs.organizations for app in org.applications
    )
    api = gitea_api(settings.base, settings.creds, settings.timeout)
    results: list[PullResult] = []
    for name in names:
        owner, _, repo = name.partition("/")
        try:
            pulls = api.open_pulls(owner, repo)
        except GiteaError as exc:
            if exc.status == 404:
                raise PromoteError(
                    f"{name}: {settings.base}/{name}.git does not exist on the Gitea: "
                    "deliver the compiled tree first (`blueprintc deliver --remote`)"
                ) from None
            raise PromoteError(f"{name}: {exc}") from None
        numbers = [
            int(pull["number"])
            for pull in pulls
            if str((pull.get("head") or {}).get("ref", "")).startswith(PREFIX)
        ]
        if not numbers:
            continue
        remote = connect(out, settings.base, name, settings.creds, settings.timeout, api)
        results.extend(_merge_one(out, inputs, settings, remote, number) for number in numbers)
    return results


def _merge_one(
    out: Path, inputs: Inputs, settings: Settings, remote: Remote, number: int
) -> PullResult:
    api = remote.api
    pull = api.pull(remote.owner, remote.repo_name, number)
    url = str(pull.get("html_url") or "")
    marker = Marker.find(str(pull.get("body") or ""))
    if marker is None or marker.application != remote.name:
        return PullResult(remote.name, "?", "refused", number, url, detail="no promotion marker")
    refused = _refuser(marker, number, url)
    try:
        request = resolve(inputs, marker.application, marker.target, marker.source)
    except PromoteError as exc:
        return refused(str(exc))
    head_sha = str((pull.get("head") or {}).get("sha", ""))
    head = remote.repo.get(head_sha)
    expected = write_tree(remote.repo, branch_files(out, request))
    if head is None or head.tree_id != expected:  # type: ignore[attr-defined]
        return refused(
            f"its head {head_sha[:12]} is not what blueprintc.lock compiles {request.env.branch} "
            "to: run `blueprintc promote` again to update it"
        )
    gates = gate_results(
        remote,
        policy_of(inputs, request),
        pull,
        marker.source,
        request.source.branch,
        settings.now,
        settings.re_context,
    )
    post_status(remote, head_sha, gates, url)
    if not all_hold(gates):
        failing = "; ".join(f"{g.gate}: {g.detail}" for g in gates if not g.passed)
        return refused(f"failing gates: {failing}", gates)
    option = {
        "Do": "merge",
        "MergeTitleField": f"Promote {marker.application} {marker.source} → {marker.target} "
        f"(#{number})",
        "MergeMessageField": _merge_message(gates, marker),
        "head_commit_id": head_sha,
        # The promotion branch has served once merged: the next promotion starts a new one
        # from the target's tip, as a fresh `blueprintc/promote/<branch>` (Gitea keeps a
        # protected branch whatever this says).
        "delete_branch_after_merge": True,
    }
    try:
        api.merge_pull(remote.owner, remote.repo_name, number, option)
    except GiteaError as exc:
        why = {
            409: "its head moved since the gates were evaluated: run --merge again",
            405: "it was closed or merged meanwhile",
        }.get(exc.status, exc.message)
        return refused(f"Gitea refused the merge ({exc.message}): {why}", gates)
    return PullResult(marker.application, marker.target, "merged", number, url, head_sha, gates)


def _refuser(marker: Marker, number: int, url: str) -> Any:
    def refused(detail: str, gates: tuple[GateResult, ...] = ()) -> PullResult:
        return PullResult(
            marker.application, marker.target, "refused", number, url, gates=gates, detail=detail
        )

    return refused


def _merge_message(gates: tuple[GateResult, ...], marker: Marker) -> str:
    approvers = next((g.detail for g in gates if g.gate == "requiredApprovers"), "")
    lines = [f"Approvals: {approvers}", "Gates:"]
    lines += [f"  {g.gate}: {'pass' if g.passed else 'FAIL'} ({g.detail})" for g in gates]
    lines += [
        f"Plan: {marker.plan}",
        f"From: {marker.source} {marker.source_commit}",
        "",
        f"{TRAILER} {__version__}",
    ]
    return "\n".join(lines)
