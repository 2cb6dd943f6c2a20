"""An OS error at any point of an emit says truthfully what it left in out/.

The open-file limit is lowered so that the k-th descriptor emit opens fails with
a real EMFILE, for k across the whole emit of both strategies (a whole-tree swap
and a journaled in-place update). Whatever ``OutputOSError.left`` claims must
hold on disk: ``AS_BEFORE``, the old tree and nothing beside it; ``ABSENT``, no
out/ at all; ``COMMITTED``, the new tree once recovery has run; ``NEW_TREE``, the
new tree. And a later emit always finishes the job.
"""

from __future__ import annotations

import itertools
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from blueprintc.emit import OutputFile, emit, recover, serialise
from blueprintc.oserror import Left, OutputOSError

from .helpers import make_files, tree_bytes


@contextmanager
def free_files(count: int) -> Iterator[None]:
    """Only ``count`` more descriptors may be opened inside (the soft limit lowered)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    in_use = {int(fd) for fd in os.listdir("/proc/self/fd")}  # its own one is closed again
    free = (fd for fd in range(soft) if fd not in in_use)  # new ones take the lowest
    limit = next(itertools.islice(free, count, None))  # the (count+1)-th cannot be opened
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def expected(files: list[OutputFile]) -> dict[str, bytes]:
    return {f.path: serialise(f) for f in files}


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def emit_with_few_files(files: list[OutputFile], out: Path, count: int) -> OutputOSError | None:
    with free_files(count):
        try:
            emit(files, out)
        except OutputOSError as exc:
            return exc
    return None


CHANGES = {
    "swap": (None, 60),  # no out/ yet: the whole tree is built beside it and swapped in
    "swap-over-old": ({i: "v2" for i in range(40)}, 60),  # most files change
    "in-place": ({3: "v2", 17: "v2"}, 60),  # two files: staged, journaled, replaced
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_emfile_leaves_what_it_says(fast_tmp: Path, change: str) -> None:
    overrides, n = CHANGES[change]
    old = make_files(n)
    new = make_files(n, "v1", overrides) if overrides is not None else old
    outcomes: set[Left] = set()
    for count in range(0, 12):
        base = fast_tmp / f"{change}-{count}"
        base.mkdir()
        out = base / "out"
        if overrides is not None:
            emit(old, out)
        before = tree_bytes(out) if out.exists() else None
        failure = emit_with_few_files(new, out, count)
        if failure is None:
            assert tree_bytes(out) == expected(new)
            outcomes.add(Left.NEW_TREE)
            continue
        assert failure.error.errno is not None and failure.error.errno == 24, failure
        outcomes.add(failure.left)
        if failure.left is Left.ABSENT:
            assert not out.exists() and siblings(out) == []
        elif failure.left is Left.AS_BEFORE:
            assert tree_bytes(out) == before and siblings(out) == []
        elif failure.left is Left.COMMITTED:
            assert recover(out)
            assert tree_bytes(out) == expected(new)
        else:
            assert failure.left is Left.NEW_TREE and tree_bytes(out) == expected(new)
        emit(new, out)  # the next run finishes the job
        assert tree_bytes(out) == expected(new) and siblings(out) == []
    assert len(outcomes) > 1, f"the limit never made emit fail: {outcomes}"
