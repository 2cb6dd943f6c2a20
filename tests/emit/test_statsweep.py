"""The stat sweep gives the same numbers whether one process or two took them, and a
failed lstat in either half is an OSError (never a hang, never a short array)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.emit import statsweep
from blueprintc.emit.emitter import emit
from blueprintc.emit.seal import Seal

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


@pytest.mark.parametrize("where", ["first half", "second half"])
def test_a_missing_path_in_either_half_is_an_os_error(
    tree: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    root, paths = tree
    monkeypatch.setattr(statsweep, "TWO_CORES_MIN", 2)
    monkeypatch.setattr(statsweep, "usable_cores", lambda: 2)
    at = 10 if where == "first half" else len(paths) - 10
    broken = [*paths[:at], "d/gone", *paths[at:]]
    before = _children()
    with pytest.raises(OSError):
        statsweep.stats(root, broken)
    assert _children() == before  # the child was reaped, not left a zombie


def _children() -> set[str]:
    """This process's child pids (Linux: each thread's `children` list in /proc)."""
    pids: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update((task / "children").read_text(encoding="ascii").split())
    return pids


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
