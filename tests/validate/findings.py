"""What the validate tests ask of `check_object`: its findings by path, or as pairs."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object


def by_path(obj: dict[str, Any]) -> dict[str, str]:
    """Each finding's message by its JSON path (one per path)."""
    return {e.path: e.message for e in check_object(obj)}


def pairs(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """Every finding as (JSON path, message), in `check_object`'s order."""
    return [(e.path, e.message) for e in check_object(obj)]
