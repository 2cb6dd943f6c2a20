"""The promotion gates of an EnvironmentPolicy, evaluated on facts read from Gitea.

Pure functions: the caller reads the pull request's reviews, the source commit's
statuses and when that commit landed on the source branch, and passes them in
with the moment of evaluation (an injected clock, so soak time and change windows
are testable across a daylight-saving change). Each gate gives a `GateResult`
whatever the others say, so a PR body and a commit status can list every failing
gate at once.

Review semantics follow Gitea's (`PullReview`: state, dismissed, stale,
commit_id): per reviewer only the newest deciding review (APPROVED or
REQUEST_CHANGES) counts; an approval counts when it is by someone other than the
PR's author, not dismissed, not stale and given on the current head commit; a
standing request for changes (newest deciding review, not dismissed) blocks even
when no approval is required, as Gitea's "block on rejected reviews" does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from blueprintc.durations import go_duration_seconds
from blueprintc.promote.windows import WindowError, open_window

GATES = ("promotesFrom", "requiredApprovers", "soakDuration", "minREScore", "changeWindows")
RE_SCORE_CONTEXT = "catalyst/re-score"
STATUS_CONTEXT = "blueprintc/promotion-gates"
_DECIDING = ("APPROVED", "REQUEST_CHANGES")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Review:
    """One pull-request review (Gitea `PullReview`)."""

    user: str
    state: str
    commit_id: str
    submitted_at: dt.datetime
    dismissed: bool = False
    stale: bool = False

    @classmethod
    def from_gitea(cls, review: Mapping[str, Any]) -> Review:
        """From Gitea's `PullReview` (`GET .../pulls/{index}/reviews`)."""
        return cls(
            user=str((review.get("user") or {}).get("login", "")),
            state=str(review.get("state", "")),
            commit_id=str(review.get("commit_id", "")),
            submitted_at=_moment(review.get("submitted_at")),
            dismissed=bool(review.get("dismissed")),
            stale=bool(review.get("stale")),
        )


@dataclass(frozen=True)
class CommitStatus:
    """One commit status (Gitea `CommitStatus`)."""

    context: str
    state: str
    description: str
    created_at: dt.datetime

    @classmethod
    def from_gitea(cls, status: Mapping[str, Any]) -> CommitStatus:
        """From Gitea's `CommitStatus` (`GET /repos/{owner}/{repo}/statuses/{sha}`)."""
        return cls(
            context=str(status.get("context", "")),
            state=str(status.get("state", "")),
            description=str(status.get("description", "")),
            created_at=_moment(status.get("created_at")),
        )


def _moment(value: Any) -> dt.datetime:
    """Gitea's RFC 3339 time; an absent or unreadable one is the epoch (oldest)."""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class GatePolicy:
    """The gate part of an EnvironmentPolicy resource's spec."""

    environment: str
    promotes_from: str | None
    required_approvers: int = 0
    soak_seconds: float = 0.0
    min_re_score: int = 0
    change_windows: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> GatePolicy:
        """From the `spec` compile writes into system/catalyst-config/policies/."""
        return cls(
            environment=str(spec["environment"]),
            promotes_from=spec.get("promotesFrom"),
            required_approvers=int(spec.get("requiredApprovers") or 0),
            soak_seconds=go_duration_seconds(str(spec.get("soakDuration") or "0s")),
            min_re_score=int(spec.get("minREScore") or 0),
            change_windows=tuple(spec.get("changeWindows") or ()),
        )


@dataclass(frozen=True)
class Promotion:
    """What the gates look at for one promotion pull request."""

    source_env: str
    author: str
    head_sha: str
    source_commit: str
    source_landed_at: dt.datetime | None
    reviews: tuple[Review, ...] = ()
    source_statuses: tuple[CommitStatus, ...] = ()
    re_score_context: str = RE_SCORE_CONTEXT


@dataclass(frozen=True)
class GateResult:
    gate: str
    passed: bool
    detail: str
    blockers: tuple[str, ...] = field(default=())


def evaluate(policy: GatePolicy, promotion: Promotion, now: dt.datetime) -> tuple[GateResult, ...]:
    """Every gate's result, in `GATES` order, at the aware moment `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return (
        _promotes_from(policy, promotion),
        _approvers(policy, promotion),
        _soak(policy, promotion, now),
        _re_score(policy, promotion),
        _windows(policy, now),
    )


def all_hold(results: Sequence[GateResult]) -> bool:
    return all(r.passed for r in results)


def _promotes_from(policy: GatePolicy, promotion: Promotion) -> GateResult:
    if policy.promotes_from is None:
        return GateResult(
            "promotesFrom",
            False,
            f"nothing promotes into {policy.environment}: changes reach it directly",
        )
    if promotion.source_env != policy.promotes_from:
        return GateResult(
            "promotesFrom",
            False,
            f"{policy.environment} takes promotions from {policy.promotes_from}, "
            f"not from {promotion.source_env}",
        )
    return GateResult("promotesFrom", True, f"from {promotion.source_env}")


def _newest_deciding(reviews: Sequence[Review]) -> dict[str, Review]:
    newest: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: r.submitted_at):
        if review.state in _DECIDING:
            newest[review.user] = review
    return newest


def _approvers(policy: GatePolicy, promotion: Promotion) -> GateResult:
    deciding = _newest_deciding(promotion.reviews)
    blocking = sorted(
        user
        for user, review in deciding.items()
        if review.state == "REQUEST_CHANGES" and not review.dismissed
    )
    approved = sorted(
        user
        for user, review in deciding.items()
        if review.state == "APPROVED"
        and user != promotion.author
        and not review.dismissed
        and not review.stale
        and review.commit_id == promotion.head_sha
    )
    outdated = sorted(
        user
        for user, review in deciding.items()
        if review.state == "APPROVED"
        and user != promotion.author
        and not review.dismissed
        and (review.stale or review.commit_id != promotion.head_sha)
    )
    parts = [f"{len(approved)} of {policy.required_approvers} approval(s)"]
    if approved:
        parts.append("by " + ", ".join(approved))
    if outdated:
        parts.append("stale after a new push: " + ", ".join(outdated))
    if blocking:
        parts.append("changes requested by " + ", ".join(blocking))
    passed = len(approved) >= policy.required_approvers and not blocking
    return GateResult("requiredApprovers", passed, "; ".join(parts), tuple(blocking))


def _soak(policy: GatePolicy, promotion: Promotion, now: dt.datetime) -> GateResult:
    needed = dt.timedelta(seconds=policy.soak_seconds)
    if promotion.source_landed_at is None:
        return GateResult(
            "soakDuration",
            False,
            f"commit {promotion.source_commit[:12]} is not on the {promotion.source_env} branch",
        )
    soaked = now - promotion.source_landed_at
    detail = f"{_hours(soaked)} on {promotion.source_env} of {_hours(needed)} required"
    return GateResult("soakDuration", soaked >= needed, detail)


def _hours(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m"


def _re_score(policy: GatePolicy, promotion: Promotion) -> GateResult:
    if policy.min_re_score == 0:
        return GateResult("minREScore", True, "no minimum set")
    where = (
        f"commit status {promotion.re_score_context!r} on {promotion.source_commit[:12]} "
        f"({promotion.source_env})"
    )
    statuses = [s for s in promotion.source_statuses if s.context == promotion.re_score_context]
    if not statuses:
        return GateResult("minREScore", False, f"no score: looked for {where}")
    newest = max(statuses, key=lambda s: s.created_at)
    match = _NUMBER.search(newest.description)
    if newest.state == "pending" or match is None:
        return GateResult(
            "minREScore",
            False,
            f"unreadable score in {where}: state {newest.state}, "
            f"description {newest.description[:60]!r}",
        )
    score = float(match.group(1))
    return GateResult(
        "minREScore",
        score >= policy.min_re_score,
        f"{score:g} of {policy.min_re_score} required ({where})",
    )


def _windows(policy: GatePolicy, now: dt.datetime) -> GateResult:
    try:
        inside, why = open_window(policy.change_windows, now)
    except WindowError as exc:
        return GateResult("changeWindows", False, str(exc))
    return GateResult("changeWindows", inside, why)


def gate_table(results: Sequence[GateResult]) -> str:
    """The gates as a Markdown table for the pull request body."""
    rows = ["| Gate | Result | Detail |", "|---|---|---|"]
    for result in results:
        detail = result.detail.replace("|", "\\|")
        rows.append(f"| {result.gate} | {'pass' if result.passed else 'FAIL'} | {detail} |")
    return "\n".join(rows) + "\n"


def commit_status(results: Sequence[GateResult]) -> dict[str, str]:
    """The body of `POST /repos/{owner}/{repo}/statuses/{sha}` for the PR head."""
    failing = [r.gate for r in results if not r.passed]
    if failing:
        return {
            "state": "failure",
            "context": STATUS_CONTEXT,
            "description": "failing: " + ", ".join(failing),
        }
    return {
        "state": "success",
        "context": STATUS_CONTEXT,
        "description": f"{len(results)}/{len(results)} gates hold",
    }
