"""An input written while a compile runs never leaves a stale tree that looks sealed.

The fingerprint (kept in the seal) must cover exactly the bytes that were planned,
and be re-checked before the seal is written. Each test edits an Organization
file at a fixed point of a real compile (between the fingerprint's read and the
planner, through the module's own `plan` / `compile_changed_owners` seams) and
reverts it before the seal: no sleeps, no timing. Afterwards the tree must be
what a clean compile of the file's final content gives, `compile --check` must
judge it by that content, and the racing compile must not have sealed it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from blueprintc.compile import partial as partial_module
from blueprintc.compile import run as run_module
from blueprintc.compile.reads import InputReads
from blueprintc.compile.run import run_compile
from blueprintc.emit.seal import Seal
from tests.compile.helpers import copy_workspace, describe_difference, tree_files

ORIGINAL = "Welcome to Acme"


def _edited_during(
    monkeypatch: pytest.MonkeyPatch, seam: str, path: Path, during: str, after: str
) -> None:
    """Make `<seam>` write `during` into `path` before it runs (after the fingerprint
    read it) and `after` when it returns (before the seal is written). The seam is
    run_module's, or partial's (run_compile imports that one when it needs it)."""
    module = partial_module if seam == "compile_changed_owners" else run_module
    real: Callable[..., Any] = getattr(module, seam)

    def racing(*args: Any, **kwargs: Any) -> Any:
        path.write_text(during)
        try:
            return real(*args, **kwargs)
        finally:
            path.write_text(after)

    monkeypatch.setattr(module, seam, racing)


def _clean_compile(root: Path, out: Path) -> dict[str, bytes]:
    outcome = run_compile(root, out=out)
    assert not outcome.diagnostics
    return tree_files(out)


def test_edit_and_revert_during_a_full_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_workspace(tmp_path / "ws")
    acme = root / "organizations" / "acme.yaml"
    original = acme.read_text()
    edited = original.replace(ORIGINAL, "Edited while compiling")
    out = root / "out"
    _edited_during(monkeypatch, "plan", acme, during=edited, after=original)
    assert not run_compile(root, out=out).diagnostics
    monkeypatch.undo()
    assert acme.read_text() == original
    expected = _clean_compile(root, tmp_path / "clean")
    assert Seal.load(out) is None, "a compile whose input was written meanwhile sealed out/"
    check = run_compile(root, out=out, check=True)
    assert check.report is not None and not check.report.written and not check.sealed
    actual = tree_files(out)
    assert actual == expected, describe_difference(expected, actual)
    assert run_compile(root, out=out).sealed is None  # re-checked in full, then sealed
    assert Seal.load(out) is not None


def test_edit_and_revert_during_a_partial_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race on the path that patches only the changed Organization."""
    root = copy_workspace(tmp_path / "ws")
    acme = root / "organizations" / "acme.yaml"
    out = root / "out"
    assert not run_compile(root, out=out).diagnostics
    changed = acme.read_text().replace(ORIGINAL, "Changed on purpose")
    acme.write_text(changed)
    racing = changed.replace("Changed on purpose", "Edited while compiling")
    _edited_during(monkeypatch, "compile_changed_owners", acme, during=racing, after=changed)
    outcome = run_compile(root, out=out)
    assert not outcome.diagnostics and outcome.patched, "expected the partial path"
    monkeypatch.undo()
    expected = _clean_compile(root, tmp_path / "clean")
    assert Seal.load(out) is None
    check = run_compile(root, out=out, check=True)
    assert check.report is not None and not check.report.written and not check.sealed
    actual = tree_files(out)
    assert actual == expected, describe_difference(expected, actual)


def test_edit_kept_during_a_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written during the compile and not reverted: the next compile plans the new
    content (never a seal that vouches for the old one)."""
    root = copy_workspace(tmp_path / "ws")
    acme = root / "organizations" / "acme.yaml"
    edited = acme.read_text().replace(ORIGINAL, "Edited while compiling")
    out = root / "out"
    _edited_during(monkeypatch, "plan", acme, during=edited, after=edited)
    assert not run_compile(root, out=out).diagnostics
    monkeypatch.undo()
    assert run_compile(root, out=out).sealed is None
    expected = _clean_compile(root, tmp_path / "clean")
    actual = tree_files(out)
    assert actual == expected, describe_difference(expected, actual)


def test_reads_notice_a_rewrite_with_the_same_bytes(tmp_path: Path) -> None:
    """Rewriting a file with identical bytes changes its mtime: not 'unchanged'."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("a: 1\n")
    os.utime(spec, ns=(10**9, 10**9))  # as a checkout leaves it: written long ago
    reads = InputReads(tmp_path, 1024)
    assert reads.source(spec).text == "a: 1\n"
    reads.seal_covers()
    assert reads.unchanged()
    spec.write_text("a: 1\n")
    assert not reads.unchanged()


def test_reads_parse_the_bytes_they_hashed(tmp_path: Path) -> None:
    """The text handed to the planner is the one the digest was taken of, even when
    the file changes in between: one read, never two."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("a: 1\n")
    reads = InputReads(tmp_path, 1024)
    digest = reads.digest(spec)
    spec.write_text("a: 2\n")
    assert reads.source(spec).text == "a: 1\n"
    assert reads.digest(spec) == digest
