"""Go-style durations (``500ms``, ``90s``, ``1m30s``, ``24h``), as Flux and the
EnvironmentPolicy write them: one parser for the registry's timeouts and the
promotion gates' soak time."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration_seconds(text: str) -> float:
    """Seconds of a Go-style duration; ValueError when `text` is not one."""
    raw = text.strip()
    parts = list(_PART.finditer(raw))
    if not parts or "".join(p.group(0) for p in parts) != raw:
        raise ValueError(f"{raw[:40]!r} is not a Go duration (500ms, 90s, 5m, 1m30s, 24h)")
    return sum(float(p.group(1)) * _UNIT_SECONDS[p.group(2)] for p in parts)
