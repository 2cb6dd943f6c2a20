"""Progress of long work as data: library code names its phases and steps; nothing is
shown unless the CLI installed a display (stderr a terminal, not `-q`).

The display is tqdm (a well-kept, dependency-free progress bar, 16 ms to import, only
imported when shown), written to stderr, shown only for a phase that lasts longer
than a second (`BLUEPRINTC_PROGRESS_DELAY`, seconds) and cleared when it ends, so a
run that is quick, piped or logged looks exactly as without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Step = Callable[[], None]
_display: Callable[[str, int | None], Any] | None = None


def _nothing() -> None:
    return None


@contextmanager
def phase(name: str, total: int | None = None) -> Iterator[Step]:
    """`step()` once per item of a phase of `total` items."""
    if _display is None:
        yield _nothing
        return
    bar = _display(name, total)
    try:
        yield lambda: bar.update(1)
    finally:
        bar.close()


@contextmanager
def shown(enabled: bool) -> Iterator[None]:
    """Show the phases run inside the block on stderr, when `enabled`."""
    global _display
    if not enabled:
        yield
        return
    from tqdm import tqdm

    delay = float(os.environ.get("BLUEPRINTC_PROGRESS_DELAY", "1") or 1)

    def display(name: str, total: int | None) -> Any:
        return tqdm(total=total, desc=name, file=sys.stderr, leave=False, delay=delay, unit="")

    previous, _display = _display, display
    try:
        yield
    finally:
        _display = previous
