"""The fix for a region key that names no region: Organizations and placements name a
region `{prov}-{reg}` (hz-nbg), since region codes are provider-scoped (CANON.md §2),
and `nbg` alone is the slip a user makes most."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def region_hint(written: str, known: Iterable[str]) -> str | None:
    """What to write instead of `written`, from the `{prov}-{reg}` keys `known`: the key
    that adds its provider (`nbg` -> hz-nbg), else the closest one; None if none is."""
    keys = sorted(set(known))
    if "-" not in written:
        providers = [k for k in keys if k.partition("-")[2] == written]
        if providers:
            return f"write the region with its provider: {' or '.join(providers)}"
    close = difflib.get_close_matches(written, keys, 1)
    return f"did you mean {close[0]}?" if close else None
