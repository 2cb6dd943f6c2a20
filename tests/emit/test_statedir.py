"""A mangled state dir (out/.blueprintc) costs speed, never a failed or half-applied
write: whatever squats on the names emit writes there is cleared first."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from blueprintc.emit import emit, serialise
from blueprintc.emit.manifest import Manifest

from .helpers import make_files, tree_bytes

STATE = ".blueprintc"


def _dir_on(name: str) -> Callable[[Path], None]:
    def mangle(state: Path) -> None:
        if (state / name).exists():
            (state / name).unlink()
        (state / name).mkdir()
        (state / name / "x").write_text("x")

    return mangle


def _file_on_owners(state: Path) -> None:
    shutil.rmtree(state / "owners")
    (state / "owners").write_text("x")


def _symlink_on_owners(state: Path) -> None:
    shutil.rmtree(state / "owners")
    os.symlink(state.parent.parent, state / "owners")


def _garbage_everywhere(state: Path) -> None:
    for path in [state / "manifest.json", state / "seal", *(state / "owners").iterdir()]:
        path.write_text("[]")


MANGLES = {
    "seal is a directory": _dir_on("seal"),
    "manifest.json is a directory": _dir_on("manifest.json"),
    "owners/ is a file": _file_on_owners,
    "owners/ is a symlink": _symlink_on_owners,
    "garbage in every state file": _garbage_everywhere,
}


@pytest.mark.parametrize("mangle", sorted(MANGLES))
def test_emit_into_a_mangled_state_dir(tmp_path: Path, mangle: str) -> None:
    out = tmp_path / "out"
    emit(make_files(50), out, fingerprint="one")
    MANGLES[mangle](out / STATE)
    new = make_files(50, overrides={3: "v2"})
    report = emit(new, out, fingerprint="two")
    assert report.strategy == "in-place"
    assert tree_bytes(out) == {f.path: serialise(f) for f in new}
    assert set(Manifest.load(out).files) == {f.path for f in new}
    assert emit(new, out, fingerprint="two").strategy == "noop"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing followed out
