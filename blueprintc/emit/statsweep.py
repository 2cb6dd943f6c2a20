"""The lstat of many paths below one directory, as one flat int64 array, taken by a
forked child from the moment a `Sweep` is made and by the caller once it asks.

A seal check lstats every entry of out/ (282,583 at benchmarks.compile's N = 1000),
and at about 3 µs an entry that sweep was half of a one-Application rebuild. The
time is the system calls and the GIL's hand-over around each: two threads were
slower than one. A forked child halves it: 0.85 s -> 0.46 s for those 282,583
entries (four alternating rounds on 2 cores). Started early (`Seal.sweep_ahead`),
the child works while the caller does the rest of its work on the other core, and
when the caller asks for the result it takes chunks from the far end until the two
meet: neither waits for a share fixed in advance.

The child writes its numbers into a shared anonymous mapping (no pipe to fill, so it
never waits on a parent that stopped reading), runs only `os.lstat` in C-level loops
and leaves with `os._exit`, so nothing it inherits from the parent's other threads (a
held lock) is ever waited on. The two claim chunks through two counters in that
mapping, the child's rising from the front and the caller's falling from the back,
each written by one side only: no lock that a killed process could leave held. Near
the meeting point both may take the same chunk; its entries are then stat-ed twice,
which costs a few µs and proves no less. Any failure in the child (a path gone, no
memory, killed) is an `OSError` in the parent, which every caller already reads as
"not as sealed". The child is always reaped: when the result is taken, when the sweep
is cancelled, or when the `Sweep` is garbage (killed first).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import struct
import weakref
from array import array
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain
from operator import attrgetter
from pathlib import Path

from blueprintc.cores import usable_cores

__all__ = ["FIELDS", "Sweep", "stats"]

FIELDS = 4  # size, mtime_ns, inode, mode
_STAT_FIELDS: Callable[[os.stat_result], tuple[int, ...]] = attrgetter(
    "st_size", "st_mtime_ns", "st_ino", "st_mode"
)
TWO_CORES_MIN = 20_000  # fewer paths are stat-ed here: a fork costs a few ms
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_ROW = FIELDS * array("q").itemsize  # bytes per path
_CHUNK = 4096  # paths per claim: ~15 ms of lstats, so the last wait is short
# After the numbers: the child's front (the end of what it has claimed), then the
# caller's back (the start of what it has claimed), each written by its side only.
_COUNTER = struct.Struct("=q")


def stats(root: Path, paths: Sequence[str]) -> array[int]:
    """`FIELDS` numbers per path (relative to `root`; "." is `root` itself), in order;
    no link is followed at the last component. OSError if any lstat fails."""
    return Sweep(root, paths).result()


class Sweep:
    """The stats of `paths` (as `stats` gives them), taken by a child from construction
    on and by the caller in `result()`. Few paths or one core: nothing is forked, and
    `result()` takes them all itself."""

    def __init__(self, root: Path, paths: Sequence[str]) -> None:
        self._root = root
        self._paths = paths
        self._pids: list[int] = []
        self._shared: mmap.mmap | None = None
        self._finalizer = weakref.finalize(self, _stop, self._pids)
        if not _forks(paths):
            return
        count = len(paths)
        self._shared = mmap.mmap(-1, count * _ROW + 2 * _COUNTER.size)
        _COUNTER.pack_into(self._shared, _front_at(paths), 0)
        _COUNTER.pack_into(self._shared, _back_at(paths), count)
        try:
            self._pids.append(_fork_front(root, paths, self._shared))
        except OSError:
            self.cancel()

    def result(self) -> array[int]:
        """The stats (once). OSError if any lstat failed."""
        shared, self._shared = self._shared, None
        if shared is None:
            return _stats_here(self._root, self._paths)
        try:
            try:
                _take_back(self._root, self._paths, shared)
            finally:
                done = [_reaped(pid) for pid in self._pids]
                self._pids.clear()
            if not all(done):
                raise OSError(f"an lstat of an entry below {self._root} failed")
            numbers = array("q")
            numbers.frombytes(shared[: len(self._paths) * _ROW])
            return numbers
        finally:
            shared.close()

    def cancel(self) -> None:
        """Stop the child (its work is not wanted); `result()` then takes the stats
        itself."""
        _stop(self._pids)
        if self._shared is not None:
            self._shared.close()
            self._shared = None


def _forks(paths: Sequence[str]) -> bool:
    return len(paths) >= TWO_CORES_MIN and usable_cores() >= 2


def _stats_here(root: Path, paths: Sequence[str]) -> array[int]:
    fd = os.open(root, _DIR)
    try:
        lstat = partial(os.lstat, dir_fd=fd)
        return array("q", chain.from_iterable(map(_STAT_FIELDS, map(lstat, paths))))
    finally:
        os.close(fd)


def _fork_front(root: Path, paths: Sequence[str], shared: mmap.mmap) -> int:
    """A child that stats chunks from the front until it meets the caller's."""
    pid = os.fork()
    if pid == 0:  # the child: chunks from the front, then gone
        status = 1
        try:
            while True:
                front = _COUNTER.unpack_from(shared, _front_at(paths))[0]
                back = _COUNTER.unpack_from(shared, _back_at(paths))[0]
                if front >= back:
                    break
                end = min(front + _CHUNK, back)
                _COUNTER.pack_into(shared, _front_at(paths), end)
                _write(shared, front, _stats_here(root, paths[front:end]))
            status = 0
        finally:
            os._exit(status)
    return pid


def _take_back(root: Path, paths: Sequence[str], shared: mmap.mmap) -> None:
    """The caller's part: chunks from the back until it meets the child's."""
    while True:
        back = _COUNTER.unpack_from(shared, _back_at(paths))[0]
        front = _COUNTER.unpack_from(shared, _front_at(paths))[0]
        if back <= front:
            return
        start = max(back - _CHUNK, front)
        _COUNTER.pack_into(shared, _back_at(paths), start)
        _write(shared, start, _stats_here(root, paths[start:back]))


def _front_at(paths: Sequence[str]) -> int:
    return len(paths) * _ROW


def _back_at(paths: Sequence[str]) -> int:
    return len(paths) * _ROW + _COUNTER.size


def _write(shared: mmap.mmap, index: int, numbers: array[int]) -> None:
    data = numbers.tobytes()
    shared[index * _ROW : index * _ROW + len(data)] = data


def _reaped(pid: int) -> bool:
    """Wait for child `pid`: whether it did its share."""
    _, status = os.waitpid(pid, 0)
    return status == 0


def _stop(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # a child that is done is a zombie
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    pids.clear()
