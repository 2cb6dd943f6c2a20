"""Crash consistency: a killed emit leaves the old or the new tree, never a mix.

Two kinds of test: a forked child that SIGKILLs itself right before its k-th
file-system mutation, for k across the whole emit (deterministic, so every
step of both strategies is covered), and a real child process emitting 3,000
files that is SIGKILLed from outside after random short delays.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from blueprintc.emit import EmitError, OutputFile, emit, fsutil, recover, serialise
from blueprintc.emit import journal as journal_module
from blueprintc.emit import tree as tree_module
from blueprintc.emit.fsutil import exchange

from .helpers import make_files, tree_bytes

REPO = Path(__file__).resolve().parents[2]
_MUTATIONS = ("rename", "replace", "link", "unlink", "rmdir", "mkdir", "symlink", "write")


def _expected(files: list[OutputFile]) -> dict[str, bytes]:
    return {f.path: serialise(f) for f in files}


def _exchange_works(tmp_path: Path) -> bool:
    (tmp_path / "xa").mkdir()
    (tmp_path / "xb").mkdir()
    try:
        return exchange(tmp_path / "xa", tmp_path / "xb")
    finally:
        (tmp_path / "xa").rmdir()
        (tmp_path / "xb").rmdir()


def _emit_in_fork(files: list[OutputFile], out: Path, crash_at: int, *, swap_ok: bool) -> int:
    """Emit in a forked child that SIGKILLs itself before its ``crash_at``-th mutation.

    Mutations: creating opens, writes, renames, links, unlinks, mkdir/rmdir, the
    directory exchange. Returns how many the child made if it finished, or -1.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        status = 3
        try:
            os.close(read_end)
            real_write = os.write
            count = [0]

            def step() -> None:
                count[0] += 1
                if count[0] == crash_at:
                    os.kill(os.getpid(), signal.SIGKILL)

            def hooked(fn: Callable[..., Any]) -> Callable[..., Any]:
                def wrapper(*args: Any, **kwargs: Any) -> Any:
                    step()
                    return fn(*args, **kwargs)

                return wrapper

            def creating_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
                if flags & os.O_CREAT:
                    step()
                return real_open(path, flags, *args, **kwargs)

            real_open = os.open
            for name in _MUTATIONS:
                setattr(os, name, hooked(getattr(os, name)))
            os.open = creating_open

            def cannot_exchange(a: Path, b: Path) -> bool:
                return False

            swap_with = hooked(exchange) if swap_ok else cannot_exchange
            tree_module.exchange = swap_with  # type: ignore[attr-defined]
            emit(files, out)
            real_write(write_end, str(count[0]).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    data = os.read(read_end, 64)
    os.close(read_end)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return -1
    assert os.WEXITSTATUS(status) == 0, "the child's emit failed"
    return int(data)


def _assert_clean(out: Path) -> None:
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert not (out / ".blueprintc/journal.json").exists()
    assert not (out / ".blueprintc/staging").exists()


def _crash_everywhere(
    tmp_path: Path, old: list[OutputFile], new: list[OutputFile], *, swap_ok: bool, strategy: str
) -> None:
    out = tmp_path / "work" / "out"
    emit(old, out)
    old_tree, new_tree = _expected(old), _expected(new)
    total = _emit_in_fork(new, out, 0, swap_ok=swap_ok)  # 0: never crash; count the steps
    assert tree_bytes(out) == new_tree
    assert emit(new, out).strategy == "noop"
    emit(old, out)
    assert emit(new, out, check=True).strategy == "check"
    outcomes = {"old": 0, "new": 0}
    on_tmpfs = tmp_path.is_relative_to("/dev/shm")
    for k in range(1, total + 1, 1 if on_tmpfs else 5):  # every step, or a sample on disk
        assert _emit_in_fork(new, out, k, swap_ok=swap_ok) == -1
        if strategy == "swap" and swap_ok:  # the exchange: out/ is whole even before recovery
            assert tree_bytes(out) in (old_tree, new_tree), f"mixed tree after crash at {k}"
        recover(out)
        _assert_clean(out)
        state = tree_bytes(out)
        assert state in (old_tree, new_tree), f"mixed tree after crash at step {k}/{total}"
        which = "old" if state == old_tree else "new"
        outcomes[which] += 1
        assert emit(old if which == "old" else new, out).strategy == "noop"  # manifest agrees
        if which == "new":
            emit(old, out)
    assert outcomes["old"] and outcomes["new"], outcomes
    report = emit(new, out)  # the rerun after all that produces the new tree
    assert report.strategy == strategy
    assert tree_bytes(out) == new_tree


@pytest.mark.parametrize("swap_ok", [True, False], ids=["exchange", "two-renames"])
def test_crash_at_every_step_of_a_tree_swap(fast_tmp: Path, swap_ok: bool) -> None:
    if swap_ok and not _exchange_works(fast_tmp):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here")
    old = make_files(20)
    new = make_files(21, "v2")  # 21 writes: past the in-place limit of 16
    _crash_everywhere(fast_tmp, old, new, swap_ok=swap_ok, strategy="swap")


def test_crash_at_every_step_of_an_in_place_update(fast_tmp: Path) -> None:
    old = make_files(40)
    new = make_files(39, overrides={3: "v2", 20: "v2"})
    new.append(OutputFile("apps/new-dir/added.yaml", ({"a": 1},), "added"))
    _crash_everywhere(fast_tmp, old, new, swap_ok=True, strategy="in-place")


def test_recovery_rolls_back_when_the_new_tree_is_incomplete(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(3), out)
    old_tree = tree_bytes(out)
    out.rename(tmp_path / "out.old-1234")
    (tmp_path / "out.tmp-5678" / "apps").mkdir(parents=True)  # no manifest: incomplete
    assert recover(out)
    assert tree_bytes(out) == old_tree
    _assert_clean(out)
    assert not recover(out)


def test_recovery_rolls_forward_a_complete_new_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(make_files(3), tmp_path / "new" / "out")  # complete: it has its manifest
    emit(make_files(2), out)
    out.rename(tmp_path / "out.old-1234")
    (tmp_path / "new" / "out").rename(tmp_path / "out.tmp-5678")
    (tmp_path / "new").rmdir()
    assert recover(out)
    assert tree_bytes(out) == _expected(make_files(3))
    _assert_clean(out)


@pytest.mark.parametrize(
    "journal",
    [
        "{not json",
        "null",
        "[]",
        '""',
        "{}",
        '{"remove": 5, "remove_dirs": [], "replace": [], "state": []}',
        '{"remove": ["apps/app-00/env-0/file-00000.yaml"], "remove_dirs": [], '
        '"replace": [["x"]], "state": []}',
        '{"remove": [], "remove_dirs": [], "replace": [], "state": [[null, 3]]}',
    ],
)
def test_a_journal_of_another_shape_is_refused_whole_with_its_fix(
    tmp_path: Path, journal: str
) -> None:
    out = tmp_path / "out"
    emit(make_files(3), out)
    before = tree_bytes(out)
    (out / ".blueprintc/journal.json").write_text(journal)
    with pytest.raises(EmitError, match=r"cannot read the emit journal .*fix: delete"):
        recover(out)
    assert tree_bytes(out) == before  # nothing of it applied


def test_sigkill_of_a_real_emit_of_3000_files(fast_tmp: Path) -> None:
    """SIGKILL from outside while a child emits 3,000 files over the previous tree.

    Half the kills come a random delay after the child's "started" marker (often
    while it still reads and serialises); the others a random delay after its
    temp tree appears (within half the write time measured on a first run), so
    they land while files are written or swapped.
    """
    n = 3000
    out = fast_tmp / "work" / "out"
    out.parent.mkdir()
    trees = {v: _expected(make_files(n, v)) for v in ("v1", "v2")}
    rng = random.Random(20240611)
    started: list[subprocess.Popen[str]] = []

    def child(version: str) -> subprocess.Popen[str]:
        cmd = [sys.executable, "-m", "tests.emit.crash_child", str(out), str(n), version, str(n)]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline() == "started\n"
        return proc

    def finish(proc: subprocess.Popen[str]) -> int:
        code = proc.wait(timeout=60)
        assert proc.stdout is not None
        proc.stdout.close()
        return code

    def writing(proc: subprocess.Popen[str]) -> float:
        """Wait until the child's temp tree exists; the time that took."""
        t0 = time.perf_counter()
        while proc.poll() is None and not any(".tmp-" in p for p in os.listdir(out.parent)):
            time.sleep(0.0005)
        return time.perf_counter() - t0

    def kill_and_check(current: str, target: str, after_tmp: bool, window: float) -> str:
        proc = child(target)
        if after_tmp:
            writing(proc)
        time.sleep(rng.uniform(0, window))
        proc.send_signal(signal.SIGKILL)
        counts["killed"] += finish(proc) == -signal.SIGKILL
        counts["mid-write"] += any(".tmp-" in p for p in os.listdir(out.parent))
        if out.exists():  # with RENAME_EXCHANGE out/ is always one whole tree
            assert tree_bytes(out) in (trees[current], trees[target])
        recover(out)
        _assert_clean(out)
        state = tree_bytes(out)
        assert state in (trees[current], trees[target]), "a mix of the old and new trees"
        return target if state == trees[target] else current

    counts = {"killed": 0, "mid-write": 0}
    try:
        first = child("v1")  # builds the previous tree; measures the phases of an emit
        t0 = time.perf_counter()
        before_writing = writing(first)
        assert finish(first) == 0
        write_window = time.perf_counter() - t0 - before_writing
        assert tree_bytes(out) == trees["v1"]
        current = "v1"
        for i in range(6):
            target = "v2" if current == "v1" else "v1"
            after_tmp = bool(i % 2)
            window = write_window / 2 if after_tmp else before_writing + write_window
            current = kill_and_check(current, target, after_tmp, window)
        assert counts["killed"] and counts["mid-write"], counts
        final = "v2" if current == "v1" else "v1"
        assert finish(child(final)) == 0  # the rerun produces the new tree
        assert tree_bytes(out) == trees[final]
        _assert_clean(out)
    finally:  # never leave a child behind, whatever failed
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None and not proc.stdout.closed:
                proc.stdout.close()


@pytest.mark.parametrize("changed", [2, 30], ids=["in-place", "swap"])
def test_a_failing_write_leaves_the_previous_tree_and_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: int
) -> None:
    out = tmp_path / "out"
    old = make_files(40)
    emit(old, out)
    calls = [0]
    real = fsutil.write_new

    def failing(path: Any, data: bytes, **kwargs: Any) -> None:
        calls[0] += 1
        if calls[0] == 2:
            raise OSError(28, "No space left on device")
        real(path, data, **kwargs)

    monkeypatch.setattr(journal_module, "write_new", failing)
    monkeypatch.setattr(tree_module, "write_new", failing)
    with pytest.raises(OSError, match="No space"):
        emit(make_files(40, overrides=dict.fromkeys(range(changed), "v2")), out)
    assert tree_bytes(out) == _expected(old)
    _assert_clean(out)
    # The seal was broken before writing (it must never outlive the tree it describes).
    assert sorted(p.name for p in (out / ".blueprintc").iterdir()) == ["manifest.json", "owners"]


def test_when_one_writing_thread_fails_the_others_stop_at_their_next_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new tree is thrown away once a thread fails (or Ctrl-C or SIGTERM reach the
    main thread), so the other threads stop at their next directory: they went on to
    write their whole runs, seconds of a large tree, before the command could end."""
    monkeypatch.setattr(tree_module, "PARALLEL_WRITES_MIN", 4)
    out = tmp_path / "out"
    old = make_files(40)
    emit(old, out)
    new = make_files(400, "v2")  # 39 directories: about ten per thread's run
    first = sorted(new, key=lambda f: f.path.rpartition("/")[0])[0].path  # thread 1's first
    others: list[str] = []
    _fail_writing(monkeypatch, first, others)
    _emit_fails_leaving(new, out, old)
    assert len(others) < 100, "the other threads wrote their whole runs (300 files)"


def _fail_writing(
    monkeypatch: pytest.MonkeyPatch, doomed: str, others: list[str] | None = None
) -> None:
    """Writing the file `doomed` fails (ENOSPC); each other write is noted in `others`,
    and slowed so the other threads have time to take in the failure, when given."""
    real, name = fsutil.write_new, doomed.rpartition("/")[2]

    def failing(path: Any, data: bytes, **kwargs: Any) -> None:
        # Made by name in its open directory (`dir_fd`); names are unique in make_files.
        if str(path) == name:
            raise OSError(28, "No space left on device")
        if others is not None:
            others.append(str(path))
            time.sleep(0.02)
        real(path, data, **kwargs)

    monkeypatch.setattr(tree_module, "write_new", failing)


def _emit_fails_leaving(new: list[OutputFile], out: Path, old: list[OutputFile]) -> None:
    with pytest.raises(OSError, match="No space"):
        emit(new, out)
    assert tree_bytes(out) == _expected(old)
    _assert_clean(out)


def test_a_write_failing_in_one_of_the_writing_threads_leaves_the_previous_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new tree is written from several threads (tree.WRITE_THREADS): one thread's
    failure still removes the whole new tree, once every thread has stopped."""
    monkeypatch.setattr(tree_module, "PARALLEL_WRITES_MIN", 4)
    out = tmp_path / "out"
    old = make_files(40)
    emit(old, out)
    new = make_files(40, overrides=dict.fromkeys(range(40), "v2"))
    by_directory = sorted(new, key=lambda f: f.path.rpartition("/")[0])  # as it writes them
    doomed = by_directory[len(new) * 3 // 4].path  # in the last thread's run
    _fail_writing(monkeypatch, doomed)
    _emit_fails_leaving(new, out, old)
