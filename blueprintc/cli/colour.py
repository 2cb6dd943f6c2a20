"""Whether the CLI colours what it writes to a stream: one decision for every command.

In order: an explicit `--color`/`--no-color`; `NO_COLOR` set and not empty
(no-color.org) turns colour off; `FORCE_COLOR` set and not empty (force-color.org)
turns it on even into a pipe or a CI log; else colour only on a terminal. Where
both variables are set, NO_COLOR wins, as in CPython's own colouring (3.13).
"""

from __future__ import annotations

import os
from typing import TextIO


def use_colour(stream: TextIO, flag: bool | None = None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False
