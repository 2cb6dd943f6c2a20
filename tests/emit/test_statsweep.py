"""The stat sweep gives the same numbers whether one process or two took them, wherever
the two met, and a failed lstat on either side is an OSError (never a hang, never a
short array, never a child left behind)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.emit import statsweep
from blueprintc.emit.emitter import emit
from blueprintc.emit.seal import Seal
from tests.processes import children, wait_until_exited

from .helpers import make_files


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, list[str]]:
    (tmp_path / "d").mkdir()
    for i in range(40):
        (tmp_path / "d" / f"f{i}").write_bytes(b"x" * i)
    names = [".", "d", *(f"d/f{i}" for i in range(40))]
    return tmp_path, names * 200  # 8,400 paths: more than a pipe holds at once


def test_two_cores_give_what_one_gives(
    tree: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, paths = tree
    alone = statsweep.stats(root, paths)  # under the threshold: this process alone
    monkeypatch.setattr(statsweep, "TWO_CORES_MIN", 2)
    monkeypatch.setattr(statsweep, "usable_cores", lambda: 2)
    forked = statsweep.stats(root, paths)
    assert forked == alone
    assert len(forked) == len(paths) * statsweep.FIELDS
    assert forked[statsweep.FIELDS * 5] == 3  # d/f3's size, at its place


@pytest.mark.parametrize("where", ["at the front", "at the back"])
def test_a_missing_path_at_either_end_is_an_os_error(
    tree: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    root, paths = tree
    monkeypatch.setattr(statsweep, "TWO_CORES_MIN", 2)
    monkeypatch.setattr(statsweep, "usable_cores", lambda: 2)
    at = 10 if where == "at the front" else len(paths) - 10
    broken = [*paths[:at], "d/gone", *paths[at:]]
    before = children()
    with pytest.raises(OSError):
        statsweep.stats(root, broken)
    assert children() == before  # the child was reaped, not left a zombie


def test_a_seal_taken_on_two_cores_sees_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statsweep, "TWO_CORES_MIN", 2)
    monkeypatch.setattr(statsweep, "usable_cores", lambda: 2)
    out = tmp_path / "out"
    files = make_files(60)
    emit(files, out, fingerprint="inputs")
    sealed = Seal.load(out)
    assert sealed is not None and sealed.holds(out, "inputs")
    (out / files[-1].path).write_text("edited\n", encoding="utf-8")
    assert not sealed.holds(out, "inputs")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small trees forked for, as 282,583 entries are."""
    monkeypatch.setattr(statsweep, "TWO_CORES_MIN", 2)
    monkeypatch.setattr(statsweep, "usable_cores", lambda: 2)


@pytest.mark.usefixtures("forking")
def test_a_sweep_ahead_gives_what_the_sweep_now_gives(tree: tuple[Path, list[str]]) -> None:
    root, paths = tree
    before = children()
    sweep = statsweep.Sweep(root, paths)
    assert len(children() - before) == 1  # the child, working already
    assert sweep.result() == statsweep.stats(root, paths)
    assert children() == before


@pytest.mark.usefixtures("forking")
@pytest.mark.parametrize("chunk", [1, 7, 4096])
@pytest.mark.parametrize("caller", ["asks at once", "asks when the child is done"])
def test_the_child_and_the_caller_meet_anywhere_and_cover_every_path(
    tree: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, chunk: int, caller: str
) -> None:
    root, paths = tree
    alone = statsweep._stats_here(root, paths)
    monkeypatch.setattr(statsweep, "_CHUNK", chunk)
    before = children()
    sweep = statsweep.Sweep(root, paths)
    if caller == "asks when the child is done":
        wait_until_exited(children() - before)
    assert sweep.result() == alone


@pytest.mark.usefixtures("forking")
def test_a_sweep_ahead_that_fails_is_an_os_error_and_leaves_no_child(
    tree: tuple[Path, list[str]],
) -> None:
    root, paths = tree
    before = children()
    with pytest.raises(OSError):
        statsweep.Sweep(root, [*paths, "d/gone"]).result()
    assert children() == before


@pytest.mark.usefixtures("forking")
def test_a_cancelled_or_forgotten_sweep_leaves_no_child(tree: tuple[Path, list[str]]) -> None:
    root, paths = tree
    before = children()
    cancelled = statsweep.Sweep(root, paths)
    cancelled.cancel()
    assert children() == before
    assert cancelled.result() == statsweep.stats(root, paths)  # taken here instead
    statsweep.Sweep(root, paths)  # garbage at once: its children are killed and reaped
    assert children() == before


@pytest.mark.usefixtures("forking")
def test_a_seal_swept_ahead_sees_a_later_emit_though_its_stats_came_before(
    tmp_path: Path,
) -> None:
    """The stats are taken before the check, so a blueprintc write between the two is
    seen by the seal file it replaced, not by them."""
    out = tmp_path / "out"
    files = make_files(60)
    emit(files, out, fingerprint="inputs")
    sealed = Seal.load(out)
    assert sealed is not None
    sealed.sweep_ahead(out)
    assert sealed.untouched(out)  # as it was

    before = children()
    sealed.sweep_ahead(out)
    wait_until_exited(children() - before)  # the stats are taken: of the tree as sealed
    emit(make_files(60, version="v2"), out, fingerprint="inputs")
    assert not sealed.untouched(out)  # the sweep saw the old tree; the seal file is new


@pytest.mark.usefixtures("forking")
def test_a_seal_not_loaded_from_a_file_is_not_swept_ahead(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = make_files(10)
    emit(files, out, fingerprint="inputs")
    recorded = Seal.record(out, "inputs", [f.path for f in files])
    before = children()
    recorded.sweep_ahead(out)
    assert children() == before
    assert recorded.untouched(out)
