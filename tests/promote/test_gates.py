"""Each EnvironmentPolicy gate, failing alone and all holding (issue 14 point 3)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from blueprintc.promote.gates import (
    CommitStatus,
    GatePolicy,
    GateResult,
    Promotion,
    Review,
    all_hold,
    commit_status,
    evaluate,
    gate_table,
)

UTC = dt.UTC
HEAD = "a" * 40
OLD_HEAD = "b" * 40
SOURCE = "c" * 40
# Thursday 2026-12-03 10:00 in Muscat (UTC+4)
NOW = dt.datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
SPEC = {
    "environment": "acme-prod",
    "promotesFrom": "stg",
    "requiredApprovers": 2,
    "soakDuration": "24h",
    "minREScore": 80,
    "changeWindows": [
        {
            "days": ["Sun", "Mon", "Tue", "Wed", "Thu"],
            "start": "09:00",
            "end": "16:00",
            "timezone": "Asia/Muscat",
        }
    ],
}
POLICY = GatePolicy.from_spec(SPEC)


def _review(
    user: str, state: str = "APPROVED", commit: str = HEAD, minute: int = 0, **flags: bool
) -> Review:
    return Review(
        user, state, commit, NOW - dt.timedelta(hours=1) + dt.timedelta(minutes=minute), **flags
    )


def _score(description: str, state: str = "success", minute: int = 0) -> CommitStatus:
    return CommitStatus(
        "catalyst/re-score", state, description, NOW - dt.timedelta(hours=2, minutes=-minute)
    )


HOLDING = Promotion(
    source_env="stg",
    author="dev1",
    head_sha=HEAD,
    source_commit=SOURCE,
    source_landed_at=NOW - dt.timedelta(hours=30),
    reviews=(_review("alice"), _review("bob")),
    source_statuses=(_score("RE score 91%"),),
)


def _results(
    promotion: Promotion = HOLDING, policy: GatePolicy = POLICY, now: dt.datetime = NOW
) -> dict[str, GateResult]:
    return {r.gate: r for r in evaluate(policy, promotion, now)}


def _failing(**changes: object) -> list[str]:
    promotion = dataclasses.replace(HOLDING, **changes)  # type: ignore[arg-type]
    return [r.gate for r in evaluate(POLICY, promotion, NOW) if not r.passed]


def test_all_gates_hold() -> None:
    results = evaluate(POLICY, HOLDING, NOW)
    assert all_hold(results)
    assert [r.gate for r in results] == [
        "promotesFrom",
        "requiredApprovers",
        "soakDuration",
        "minREScore",
        "changeWindows",
    ]
    assert commit_status(results) == {
        "state": "success",
        "context": "blueprintc/promotion-gates",
        "description": "5/5 gates hold",
    }


def test_promotes_from_fails_alone_for_another_source() -> None:
    assert _failing(source_env="dev") == ["promotesFrom"]
    assert _results(dataclasses.replace(HOLDING, source_env="dev"))["promotesFrom"].detail == (
        "acme-prod takes promotions from stg, not from dev"
    )


def test_nothing_promotes_into_the_first_environment() -> None:
    dev = GatePolicy.from_spec({"environment": "acme-dev", "promotesFrom": None})
    result = _results(policy=dev)["promotesFrom"]
    assert not result.passed
    assert result.detail == "nothing promotes into acme-dev: changes reach it directly"


def test_required_approvers_fails_alone_with_one_approval() -> None:
    assert _failing(reviews=(_review("alice"),)) == ["requiredApprovers"]


def test_the_authors_own_approval_does_not_count() -> None:
    assert _failing(reviews=(_review("alice"), _review("dev1"))) == ["requiredApprovers"]


def test_one_reviewer_approving_twice_is_one_approval() -> None:
    assert _failing(reviews=(_review("alice"), _review("alice", minute=5))) == ["requiredApprovers"]


def test_an_approval_is_stale_after_a_new_push() -> None:
    stale = (_review("alice"), _review("bob", commit=OLD_HEAD))
    assert _failing(reviews=stale) == ["requiredApprovers"]
    flagged = (_review("alice"), _review("bob", stale=True))
    assert _failing(reviews=flagged) == ["requiredApprovers"]
    detail = _results(dataclasses.replace(HOLDING, reviews=stale))["requiredApprovers"].detail
    assert detail == "1 of 2 approval(s); by alice; stale after a new push: bob"


def test_a_dismissed_approval_does_not_count() -> None:
    assert _failing(reviews=(_review("alice"), _review("bob", dismissed=True))) == [
        "requiredApprovers"
    ]


def test_a_standing_request_for_changes_blocks() -> None:
    reviews = (_review("alice"), _review("bob"), _review("carol", "REQUEST_CHANGES"))
    assert _failing(reviews=reviews) == ["requiredApprovers"]
    result = _results(dataclasses.replace(HOLDING, reviews=reviews))["requiredApprovers"]
    assert result.blockers == ("carol",)
    assert result.detail == "2 of 2 approval(s); by alice, bob; changes requested by carol"


def test_a_request_for_changes_is_lifted_by_the_same_reviewers_later_approval() -> None:
    reviews = (_review("alice"), _review("bob", "REQUEST_CHANGES"), _review("bob", minute=10))
    assert _failing(reviews=reviews) == []


def test_a_comment_after_an_approval_leaves_the_approval_standing() -> None:
    reviews = (_review("alice"), _review("bob"), _review("bob", "COMMENT", minute=10))
    assert _failing(reviews=reviews) == []


def test_a_dismissed_request_for_changes_no_longer_blocks() -> None:
    reviews = (
        _review("alice"),
        _review("bob"),
        _review("carol", "REQUEST_CHANGES", dismissed=True),
    )
    assert _failing(reviews=reviews) == []


def test_soak_fails_alone_before_its_time() -> None:
    assert _failing(source_landed_at=NOW - dt.timedelta(hours=23, minutes=59)) == ["soakDuration"]
    assert _failing(source_landed_at=NOW - dt.timedelta(hours=24)) == []
    detail = _results(dataclasses.replace(HOLDING, source_landed_at=NOW - dt.timedelta(hours=3)))[
        "soakDuration"
    ].detail
    assert detail == "3h00m on stg of 24h00m required"


def test_soak_fails_when_the_commit_is_not_on_the_source_branch() -> None:
    assert _failing(source_landed_at=None) == ["soakDuration"]


def test_re_score_fails_alone_below_the_minimum() -> None:
    assert _failing(source_statuses=(_score("79.5"),)) == ["minREScore"]


def test_re_score_takes_the_newest_status() -> None:
    assert _failing(source_statuses=(_score("95"), _score("40", minute=30))) == ["minREScore"]
    assert _failing(source_statuses=(_score("40"), _score("95", minute=30))) == []


@pytest.mark.parametrize(
    ("statuses", "detail"),
    [
        ((), "no score: looked for commit status 'catalyst/re-score' on cccccccccccc (stg)"),
        (
            (_score("no data yet"),),
            "unreadable score in commit status 'catalyst/re-score' on cccccccccccc (stg): "
            "state success, description 'no data yet'",
        ),
        (
            (_score("88", state="pending"),),
            "unreadable score in commit status 'catalyst/re-score' on cccccccccccc (stg): "
            "state pending, description '88'",
        ),
    ],
)
def test_a_missing_or_unreadable_score_fails_saying_where_it_looked(
    statuses: tuple[CommitStatus, ...], detail: str
) -> None:
    result = _results(dataclasses.replace(HOLDING, source_statuses=statuses))["minREScore"]
    assert (result.passed, result.detail) == (False, detail)


def test_the_score_context_is_configurable() -> None:
    other = CommitStatus("sre/score", "success", "93", NOW)
    promotion = dataclasses.replace(HOLDING, source_statuses=(other,), re_score_context="sre/score")
    assert all_hold(evaluate(POLICY, promotion, NOW))


def test_change_window_fails_alone_outside_it() -> None:
    friday = dt.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # Friday 10:00 in Muscat
    results = {r.gate: r for r in evaluate(POLICY, HOLDING, friday)}
    assert [g for g, r in results.items() if not r.passed] == ["changeWindows"]
    late = dt.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # Thursday 16:00 in Muscat: closed
    assert [r.gate for r in evaluate(POLICY, HOLDING, late) if not r.passed] == ["changeWindows"]


def test_every_failing_gate_is_listed_at_once() -> None:
    promotion = dataclasses.replace(HOLDING, source_env="dev", reviews=(), source_statuses=())
    results = evaluate(POLICY, promotion, NOW)
    assert commit_status(results) == {
        "state": "failure",
        "context": "blueprintc/promotion-gates",
        "description": "failing: promotesFrom, requiredApprovers, minREScore",
    }


def test_the_gate_table() -> None:
    promotion = dataclasses.replace(HOLDING, reviews=(_review("alice"),))
    assert gate_table(evaluate(POLICY, promotion, NOW)) == (
        "| Gate | Result | Detail |\n"
        "|---|---|---|\n"
        "| promotesFrom | pass | from stg |\n"
        "| requiredApprovers | FAIL | 1 of 2 approval(s); by alice |\n"
        "| soakDuration | pass | 30h00m on stg of 24h00m required |\n"
        "| minREScore | pass | 91 of 80 required "
        "(commit status 'catalyst/re-score' on cccccccccccc (stg)) |\n"
        "| changeWindows | pass | inside Mon,Tue,Wed,Thu,Sun 09:00-16:00 Asia/Muscat "
        "(local Thu 10:00) |\n"
    )


def test_no_gate_set_holds_for_the_right_source() -> None:
    bare = GatePolicy.from_spec({"environment": "acme-stg", "promotesFrom": "dev"})
    promotion = dataclasses.replace(HOLDING, source_env="dev", reviews=(), source_statuses=())
    assert all_hold(evaluate(bare, promotion, NOW))
