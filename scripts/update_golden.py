#!/usr/bin/env python3
"""Recompile the reference workspace into ``golden/`` (the compile snapshot tests compare with).

``golden/`` holds exactly what ``blueprintc compile -o golden`` writes, minus emit's own
state directory (``.blueprintc/``), plus ``golden/README.md``. The workspace is compiled
into a temporary directory first; ``golden/`` is replaced only when that compile
succeeded with no finding, and then in one rename (a new tree built beside it), so a
failed or interrupted run leaves the old snapshot as it was. ``--check`` writes
nothing and exits 1 when ``golden/`` is stale.

Never regenerate blindly: run this, then review ``git diff golden/`` like code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"
KEEP = ("README.md",)  # files of golden/ that compile does not write


def compiled_tree(out: Path) -> dict[str, bytes] | None:
    """Compile the reference workspace into ``out``; its files, or None on findings."""
    from blueprintc.compile.run import run_compile
    from blueprintc.emit import read_tree

    outcome = run_compile(REPO, out=out)
    if outcome.diagnostics:
        for diagnostic in outcome.diagnostics:
            location = diagnostic.location
            print(
                f"{location.file}:{location.line}:{location.column}: "
                f"{diagnostic.severity.name.lower()} {diagnostic.rule} {diagnostic.message}",
                file=sys.stderr,
            )
        return None
    return read_tree(out)


def replace_golden(files: dict[str, bytes]) -> None:
    """Build the new snapshot beside golden/ and swap it in with renames."""
    new = Path(tempfile.mkdtemp(prefix="golden.new-", dir=REPO))
    old = REPO / f"golden.old-{new.name.rsplit('-', 1)[1]}"
    try:
        for rel, data in sorted(files.items()):
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for name in KEEP:
            if (GOLDEN / name).is_file():
                shutil.copy2(GOLDEN / name, new / name)
        new.chmod(0o755)
        if GOLDEN.exists():
            os.rename(GOLDEN, old)
        os.rename(new, GOLDEN)
    finally:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="blueprintc-golden-") as scratch:
        files = compiled_tree(Path(scratch) / "out")
    if files is None:
        print("compile failed; golden/ left untouched", file=sys.stderr)
        return 1
    from blueprintc.emit import read_tree

    current = read_tree(GOLDEN, skip=KEEP)
    added = sorted(set(files) - set(current))
    removed = sorted(set(current) - set(files))
    changed = sorted(p for p in set(files) & set(current) if files[p] != current[p])
    for label, paths in (("added", added), ("changed", changed), ("removed", removed)):
        for path in paths:
            print(f"{label}: golden/{path}")
    if not (added or removed or changed):
        print(f"golden/ is up to date ({len(files)} files)")
        return 0
    if args.check:
        print("golden/ is stale: run `python scripts/update_golden.py`", file=sys.stderr)
        return 1
    replace_golden(files)
    print(
        f"golden/: {len(added)} added, {len(changed)} changed, {len(removed)} removed; "
        "review them with `git diff golden/` before committing"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
