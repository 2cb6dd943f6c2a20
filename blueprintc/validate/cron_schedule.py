"""A CronJob's `schedule` as the API server parses it: robfig/cron's standard parser
(five fields, or a descriptor such as `@daily` or `@every 1h`). `*/5 * * *` has four
fields; a day of week runs 0-6. (Split from `object_meta`, which asks it.)"""

from __future__ import annotations

import re

# (name, lowest, highest, names) of each of the five fields.
_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    (
        "month",
        1,
        12,
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ),
    ("day of week", 0, 6, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_EVERY = re.compile(r"@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")


def cron_schedule_problem(schedule: str) -> str | None:
    """Why a CronJob's `schedule` is no cron schedule the API server takes; None when it
    is one (or carries a time zone prefix, which this does not judge)."""
    text = schedule.strip()
    if "TZ=" in text:
        return None
    if text.startswith("@"):
        ok = text in _DESCRIPTORS or _EVERY.fullmatch(text) is not None
        return None if ok else f"unrecognized descriptor {text}"
    fields = text.split()
    if len(fields) != 5:
        fields_wanted = "minute hour day-of-month month day-of-week"
        return f"expected exactly 5 fields ({fields_wanted}), found {len(fields)}"
    for field, (name, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in field.split(","):
            problem = _cron_part(part, low, high, names)
            if problem:
                return f"{name} field {field!r}: {problem}"
    return None


def _cron_part(part: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    span, _, step = part.partition("/")
    if step and not step.isdigit():
        return f"step {step!r} is not a number"
    if step and int(step) == 0:
        return "step of zero"
    if span in ("*", "?"):
        return None
    start_text, dash, end_text = span.partition("-")
    start = _cron_value(start_text, names)
    end = _cron_value(end_text, names) if dash else (high if step else start)
    if start is None or end is None:
        return f"{span!r} is not a number{' or a name' if names else ''} in range {low}-{high}"
    if start < low or end > high:
        return f"{span!r} is out of range {low}-{high}"
    if start > end:
        return f"{span!r} starts after it ends"
    return None


def _cron_value(text: str, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        return int(text)
    lowered = text.lower()
    if lowered in names:
        return names.index(lowered) + (1 if len(names) == 12 else 0)
    return None
