"""Change windows in their own time zone, daylight-saving changes included."""

from __future__ import annotations

import datetime as dt

import pytest

from blueprintc.promote.windows import WindowError, open_window

UTC = dt.UTC
BERLIN_WEEKDAYS = {"days": ["Mon", "Tue", "Wed", "Thu", "Fri"], "start": "09:00", "end": "16:00"}


def _berlin(**extra: str) -> dict[str, object]:
    return {**BERLIN_WEEKDAYS, "timezone": "Europe/Berlin", **extra}


def test_an_empty_list_is_no_restriction() -> None:
    assert open_window([], dt.datetime(2026, 12, 5, 3, 0, tzinfo=UTC)) == (
        True,
        "no change window set",
    )


@pytest.mark.parametrize(
    ("utc", "inside"),
    [
        # Friday 2026-03-27 is winter time (UTC+1): 09:00 local is 08:00 UTC
        (dt.datetime(2026, 3, 27, 7, 59, tzinfo=UTC), False),
        (dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 27, 14, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 27, 15, 0, tzinfo=UTC), False),
        # Monday 2026-03-30, after the change of Sunday 29 March (UTC+2): 09:00 is 07:00 UTC
        (dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 30, 6, 59, tzinfo=UTC), False),
        (dt.datetime(2026, 3, 30, 13, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 30, 14, 0, tzinfo=UTC), False),
    ],
)
def test_a_window_stays_on_local_time_across_the_spring_change(
    utc: dt.datetime, inside: bool
) -> None:
    assert open_window([_berlin()], utc)[0] is inside


def test_the_autumn_change_and_a_window_over_midnight() -> None:
    # Saturday 2026-10-24 22:00-02:00 Berlin; the clocks go back at 03:00 on Sunday 25th
    night = {"days": ["Sat"], "start": "22:00", "end": "02:00", "timezone": "Europe/Berlin"}
    assert open_window([night], dt.datetime(2026, 10, 24, 19, 59, tzinfo=UTC))[0] is False
    assert (
        open_window([night], dt.datetime(2026, 10, 24, 20, 0, tzinfo=UTC))[0] is True
    )  # 22:00 CEST
    assert (
        open_window([night], dt.datetime(2026, 10, 24, 23, 59, tzinfo=UTC))[0] is True
    )  # 01:59 CEST
    assert (
        open_window([night], dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC))[0] is False
    )  # 02:00 CEST
    # one week later, in winter time (UTC+1), the same local window is an hour later in UTC
    assert open_window([night], dt.datetime(2026, 10, 31, 20, 30, tzinfo=UTC))[0] is False
    assert open_window([night], dt.datetime(2026, 10, 31, 21, 0, tzinfo=UTC))[0] is True
    assert open_window([night], dt.datetime(2026, 11, 1, 0, 59, tzinfo=UTC))[0] is True
    assert open_window([night], dt.datetime(2026, 11, 1, 1, 0, tzinfo=UTC))[0] is False


def test_the_day_is_the_local_day() -> None:
    # 2026-12-03 21:30 UTC is Friday 01:30 in Muscat (UTC+4): a Thursday-only window is shut
    muscat = {"days": ["Thu"], "start": "00:00", "end": "23:59", "timezone": "Asia/Muscat"}
    inside, why = open_window([muscat], dt.datetime(2026, 12, 3, 21, 30, tzinfo=UTC))
    assert inside is False
    assert why == (
        "2026-12-03 21:30 UTC is outside every change window (Thu 00:00-23:59 Asia/Muscat)"
    )


def test_without_a_zone_a_window_is_utc() -> None:
    window = {"days": ["Thu"], "start": "09:00", "end": "10:00"}
    assert open_window([window], dt.datetime(2026, 12, 3, 9, 30, tzinfo=UTC)) == (
        True,
        "inside Thu 09:00-10:00 UTC (local Thu 09:30)",
    )


def test_an_unknown_zone_is_an_error_naming_it() -> None:
    with pytest.raises(WindowError, match="'Mars/Olympus' is not an IANA zone"):
        open_window([_berlin(timezone="Mars/Olympus")], dt.datetime(2026, 12, 3, tzinfo=UTC))


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        open_window([_berlin()], dt.datetime(2026, 12, 3, 9, 30))
