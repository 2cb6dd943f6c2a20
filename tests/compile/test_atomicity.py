"""Atomicity: a compile SIGKILLed at any moment leaves out/ as the whole previous tree
or the whole new tree, never a mix, and a rerun produces the new tree exactly."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blueprintc.compile.planner import compile_workspace
from blueprintc.emit import recover, serialise

from .helpers import copy_workspace, tree_files, tree_hash

GENERATED = 100  # + the 3 reference Organizations: ~10,000 files before the change, ~16,000 after
KILLS = 6
ENV_TYPES = ("uat", "poc", "dev", "stg", "prod")
SEED = 20260611


def generate(root: Path) -> None:
    """The reference workspace plus GENERATED copies of acme, each its own slug."""
    copy_workspace(root)
    acme = (root / "organizations" / "acme.yaml").read_text("utf-8")
    assert acme.count("\n  name: acme\n") == 1
    for i in range(GENERATED):
        slug = f"gen{i:03d}"
        text = acme.replace("\n  name: acme\n", f"\n  name: {slug}\n")
        (root / "organizations" / f"{slug}.yaml").write_text(text, "utf-8")


def add_environments(text: str, count: int = 2) -> str:
    """The Organization with ``count`` more Environments, of the first types it lacks."""
    present = set(re.findall(r"^    - type: (\w+)$", text, re.MULTILINE))
    added = "".join(
        f"    - type: {t}\n" for t in [t for t in ENV_TYPES if t not in present][:count]
    )
    assert text.count("\n  environments:\n") == 1
    return text.replace("\n  environments:\n", f"\n  environments:\n{added}")


def planned_tree(root: Path) -> dict[str, bytes]:
    """The tree a compile of ``root`` must write, computed without writing."""
    result = compile_workspace(root)
    assert result.diagnostics == []
    return {f.path: serialise(f) for f in result.files}


def changed(a: dict[str, bytes], b: dict[str, bytes]) -> int:
    return sum(1 for path in a.keys() | b.keys() if a.get(path) != b.get(path))


def leftovers(out: Path) -> set[str]:
    """emit's ``out.tmp-*`` / ``out.old-*`` siblings of out/."""
    return {n for n in os.listdir(out.parent) if n.startswith(f"{out.name}.")}


def start_compile(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "blueprintc", "compile", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_writing(proc: subprocess.Popen[bytes], out: Path, before: set[str]) -> float:
    """Wait until the compile starts writing its new tree beside out/ (a new
    ``out.tmp-*``, not one a killed compile left behind); the seconds waited."""
    t0 = time.perf_counter()
    while proc.poll() is None and not any(".tmp-" in n for n in leftovers(out) - before):
        time.sleep(0.002)
    return time.perf_counter() - t0


def wait_for_swap(proc: subprocess.Popen[bytes], out: Path, inode: int) -> None:
    """Wait until out/ is another directory: the new tree was exchanged into place."""
    while proc.poll() is None:
        try:
            if os.stat(out).st_ino != inode:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.002)


@pytest.mark.slow
def test_sigkill_leaves_the_previous_or_the_new_tree(fast_tmp: Path) -> None:
    """GENERATED copies of acme plus the 3 reference Organizations; the change gives every
    Organization two more Environments, over a third of all files. Past a quarter of the
    tree emit builds the new tree beside out/ and exchanges the two directories in one
    step, so out/ is whole at every instant (checked below as a precondition). A smaller
    change is applied in place under a journal, which is whole only after recovery;
    tests/emit/test_crash.py covers that path step by step.

    Each of KILLS children compiles towards the other tree (old->new, or back after a kill
    that came after the swap) and is SIGKILLed, at seeded random points of three kinds in
    turn: anywhere between 0.05 s and the time a full compile takes; while it writes the
    new tree beside out/; right after the swap, while the old tree is being deleted.
    After each kill out/, read as it is (no recovery first), must be exactly the old or
    the new tree, both computed beforehand by planning. Then a rerun writes the new tree
    and leaves nothing else behind."""
    root = fast_tmp / "ws"
    out = root / "out"
    generate(root)
    organizations = sorted((root / "organizations").glob("*.yaml"))
    texts = {"old": {p: p.read_text("utf-8") for p in organizations}}
    texts["new"] = {p: add_environments(t) for p, t in texts["old"].items()}

    def use(version: str) -> None:
        for path, text in texts[version].items():
            path.write_text(text, "utf-8")

    trees = {"old": planned_tree(root)}
    use("new")
    trees["new"] = planned_tree(root)
    use("old")
    difference = changed(trees["old"], trees["new"])
    for tree in trees.values():  # emit's rule for a whole-tree swap (emitter.py)
        assert difference > len(tree) // 4, "the change is too small for a whole-tree swap"
    expected = {version: tree_hash(tree) for version, tree in trees.items()}
    del trees

    first = start_compile(root)  # the previous out/; times a full compile and its writes
    t0 = time.perf_counter()
    before_writing = wait_for_writing(first, out, set())
    _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr.decode()
    full = time.perf_counter() - t0
    write_window = max(full - before_writing, 0.05)
    assert tree_hash(tree_files(out)) == expected["old"]

    rng = random.Random(SEED)
    current, killed, kept_while_writing, swapped = "old", 0, 0, 0
    for i in range(KILLS):
        target = "new" if current == "old" else "old"
        use(target)
        before, inode = leftovers(out), os.stat(out).st_ino
        proc = start_compile(root)
        kind = i % 3
        if kind == 0:
            time.sleep(rng.uniform(0.05, full))
        elif kind == 1:
            wait_for_writing(proc, out, before)
            time.sleep(rng.uniform(0, 0.5 * write_window))
        else:
            wait_for_swap(proc, out, inode)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        was_killed = proc.returncode == -signal.SIGKILL
        killed += was_killed
        if not out.exists():  # only where the OS cannot exchange two directories
            assert leftovers(out), "out/ vanished with nothing to recover it from"
            recover(out)
        state = tree_hash(tree_files(out))
        assert state in (expected[current], expected[target]), (
            f"kill {i} (kind {kind}): out/ is a mix of the old and the new tree"
        )
        if was_killed and kind == 1 and state == expected[current]:
            kept_while_writing += 1
        if was_killed and kind == 2 and state == expected[target]:
            swapped += 1
        current = target if state == expected[target] else current
    assert killed >= KILLS - 1, f"only {killed} of {KILLS} compiles were still running"
    assert kept_while_writing, "no kill landed while the new tree was being written"
    assert swapped, "no kill landed between the swap and the end of the compile"

    use("new")
    rerun = start_compile(root)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr.decode()
    assert tree_hash(tree_files(out)) == expected["new"]
    assert leftovers(out) == set()
    # No staging or journal left; the seal is a machine-local cache.
    assert set(os.listdir(out / ".blueprintc")) - {"seal"} == {"manifest.json", "owners"}
