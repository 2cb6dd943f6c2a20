"""Targets set for N = 1000 are judged there: a smaller run says where, never FAIL
(its figures are mostly start-up and other fixed costs)."""

from __future__ import annotations

from benchmarks.common import TARGET_ORGS, mark_at_scale


def test_a_target_at_scale_is_judged_at_that_scale_and_above() -> None:
    assert mark_at_scale(True, TARGET_ORGS) == "PASS"
    assert mark_at_scale(False, TARGET_ORGS) == "FAIL"
    assert mark_at_scale(False, 2 * TARGET_ORGS) == "FAIL"


def test_a_smaller_run_names_the_scale_instead_of_a_verdict() -> None:
    for ok in (True, False):
        assert mark_at_scale(ok, 100) == f"judged at N = {TARGET_ORGS}"
