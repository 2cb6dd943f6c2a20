"""Ctrl-C and SIGTERM held while libgit2 may call back into Python.

Python runs a signal handler between two bytecodes of the main thread, and that
includes a callback libgit2 makes into a delivery's object backend
(``deliver.packing.PendingObjects``) in the middle of a blob, tree, commit or pack
write. The KeyboardInterrupt (or the CLI's ``Terminated``) raised there cannot unwind
through libgit2: the call ended in a ``SystemError`` traceback, or in a git error that
a delivery records as a failed branch before it goes on, the signal lost. Inside
``held`` a signal is only noted; on the way out the handlers in place before are put
back and the signal is sent again, so it ends the command as anywhere else, between
two branches (a branch's commit takes milliseconds, the fleet's first one about a
second at N = 1,000). A second one of the same signal meanwhile ends the process at
once, as a second SIGTERM does outside. Only the main thread runs handlers: in any
other thread ``held`` does nothing.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import ParamSpec, TypeVar

__all__ = ["held", "holding_signals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_holding = False  # the main thread's: nested holds leave it to the outermost

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def held() -> Iterator[None]:
    """Note SIGINT and SIGTERM instead of handling them until the block ends (see the
    module doc)."""
    global _holding
    if _holding or threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        if signum in noted:  # asked twice: at once, by the default action
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        noted.append(signum)

    # A handler installed from outside Python (None) cannot be put back: left as it is.
    kept = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    before = {s: signal.signal(s, note) for s, handler in kept.items() if handler is not None}
    _holding = True
    try:
        yield
    finally:
        _holding = False
        for signum, handler in before.items():
            signal.signal(signum, handler)
        for signum in noted:
            signal.raise_signal(signum)  # its handler runs here, outside libgit2


def holding_signals(function: Callable[P, R]) -> Callable[P, R]:
    """`function` runs `held`: it writes or reads a repository whose objects libgit2
    looks up through Python (``deliver.packing``)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with held():
            return function(*args, **kwargs)

    return run
