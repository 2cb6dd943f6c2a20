"""Change windows: is a moment inside one, in the window's own time zone?

A window is `{days: [Mon, ...], start: "HH:MM", end: "HH:MM", timezone: Area/City}`
(Organization schema). Times compare on the local wall clock of the window's zone
(`zoneinfo`), so a 09:00-16:00 window stays 09:00-16:00 local across a
daylight-saving change. A window whose end is not after its start runs over
midnight: it opens on each listed day at `start` and closes on the next day at
`end`. Without `timezone` a window is in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WindowError(ValueError):
    """A change window that cannot be read (unknown time zone, bad time)."""


@dataclass(frozen=True)
class ChangeWindow:
    days: frozenset[str]
    start: dt.time
    end: dt.time
    zone: dt.tzinfo
    zone_name: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> ChangeWindow:
        # Imported here: importing zoneinfo reads sysconfig's whole configuration for
        # its TZPATH (~40 ms), which a promotion whose Environment has no window skips.
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = str(data.get("timezone") or "UTC")
        try:
            zone: dt.tzinfo = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise WindowError(
                f"change window time zone {name!r} is not an IANA zone (e.g. Asia/Muscat)"
            ) from None
        days = frozenset(str(d) for d in data.get("days", ()))
        unknown = sorted(days - set(DAYS))
        if unknown:
            raise WindowError(f"change window days {unknown} are not among {list(DAYS)}")
        return cls(days, _clock(data.get("start")), _clock(data.get("end")), zone, name)

    def contains(self, moment: dt.datetime) -> bool:
        """Whether the aware `moment` falls inside this window."""
        local = moment.astimezone(self.zone)
        day = DAYS[local.weekday()]
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return day in self.days and self.start <= clock < self.end
        previous = DAYS[(local.weekday() - 1) % 7]
        return (day in self.days and clock >= self.start) or (
            previous in self.days and clock < self.end
        )

    def describe(self) -> str:
        days = ",".join(d for d in DAYS if d in self.days)
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} {self.zone_name}"


def _clock(text: object) -> dt.time:
    try:
        hours, minutes = str(text).split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise WindowError(f"change window time {text!r} is not HH:MM") from None


def open_window(windows: Sequence[Mapping[str, Any]], moment: dt.datetime) -> tuple[bool, str]:
    """(inside, why): an empty list is no restriction; otherwise inside any window."""
    if moment.tzinfo is None:
        raise ValueError("the moment must be timezone-aware")
    if not windows:
        return True, "no change window set"
    parsed = [ChangeWindow.parse(w) for w in windows]
    for window in parsed:
        if window.contains(moment):
            local = moment.astimezone(window.zone)
            return True, f"inside {window.describe()} (local {local:%a %H:%M})"
    outside = "; ".join(w.describe() for w in parsed)
    utc = moment.astimezone(dt.UTC)
    return False, f"{utc:%Y-%m-%d %H:%M} UTC is outside every change window ({outside})"
