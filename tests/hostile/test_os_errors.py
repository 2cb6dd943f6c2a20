"""OS errors during a compile's writes and reads: one line, exit 2, nothing lost.

Each case makes the real OS fail the real CLI: a small tmpfs (ENOSPC), a
read-only bind mount (EROFS), root without CAP_DAC_OVERRIDE (EACCES), a low
RLIMIT_NOFILE (EMFILE). It checks the one line (what, where, what out/ holds,
how to finish), that the workspace and out/ kept every byte, and that after
the cause is gone a rerun finishes the compile and gives exactly what a
compile from scratch gives. The output directory is ``target/out`` with a
mount at ``target/`` (a swap builds its new tree beside out/, so the mount
must hold out/'s parent) or at ``target/out`` itself.

Mounting needs root; CI runs as root, so these tests fail rather than skip
without it.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import resource
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from tests.compile.helpers import tree_files
from tests.hostile.harness import CliRun, assert_refused, run_cli, snapshot

OUT = "target/out"
ACME = "organizations/acme.yaml"
SHOP_MAIN = "repos/acme/shop/main/base/helmrelease.yaml"  # what the acme change rewrites

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


@pytest.fixture(autouse=True)
def _root() -> None:
    if os.geteuid() != 0:
        pytest.fail("tests/hostile/test_os_errors.py mounts file systems: run it as root")


@contextlib.contextmanager
def mounted(*args: str, at: Path) -> Iterator[Path]:
    """``mount ARGS at``, unmounted (lazily if busy) whatever happens."""
    subprocess.run(["mount", *args, str(at)], check=True, capture_output=True)
    try:
        yield at
    finally:
        if subprocess.run(["umount", str(at)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(at)], check=True, capture_output=True)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """A read-only bind mount of ``path`` over itself."""
    with mounted("--bind", str(path), at=path):
        subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True
        )
        yield path


def fill(directory: Path) -> Path:
    """Use up every byte and every inode of ``directory``'s file system (a write that
    frees a file, such as emit breaking its seal, must not make room); the filler.
    Mount the tmpfs with a small ``nr_inodes``: its default is in the millions."""
    filler = directory / "filler"
    filler.mkdir()
    chunk = b"\0" * (1 << 16)
    with open(filler / "bytes", "wb", buffering=0) as handle, contextlib.suppress(OSError):
        while handle.write(chunk):
            pass
    with contextlib.suppress(OSError):
        for count in itertools.count():
            (filler / str(count)).touch()
    return filler


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), "utf-8")


def compile_ok(workspace: Path, **kwargs: object) -> CliRun:
    run = run_cli("compile", "-o", OUT, cwd=workspace, **kwargs)  # type: ignore[arg-type]
    assert run.code == 0, str(run)
    return run


def assert_one_line(run: CliRun, *needles: str) -> None:
    """Exit 2, no traceback, a single line on stderr holding every needle, no stdout."""
    assert_refused(run, *needles)
    assert run.stdout == "", str(run)
    assert len(run.stderr.strip().splitlines()) == 1, str(run)
    assert "nothing was lost" in run.stderr or "nothing was read or written" in run.stderr


def assert_as_fresh(workspace: Path, tmp_path: Path) -> None:
    """target/out holds exactly what a compile from scratch writes, and is up to date."""
    fresh = tmp_path / "fresh"
    outcome = run_compile(workspace, out=fresh)
    assert outcome.diagnostics == []
    assert tree_files(workspace / OUT) == tree_files(fresh)
    run = run_cli("compile", "-o", OUT, "--check", "--verify", cwd=workspace)
    assert run.code == 0, str(run)


def no_leftovers(target: Path) -> None:
    assert sorted(p.name for p in target.iterdir()) == ["out"], "a temporary tree was left"


def inputs(workspace: Path) -> dict[str, str]:
    """The workspace but what the commands here write: target/, out/, layout/, keys/."""
    return snapshot(workspace, skip=("target", "out", "layout", "keys"))


def test_enospc_on_a_first_compile(workspace: Path, tmp_path: Path) -> None:
    target = workspace / "target"
    target.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=256k", "tmpfs", at=target):
        before = inputs(workspace)
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "cannot write target/out", "No space left on device (ENOSPC)")
        assert_one_line(run, "target/out/ was not created", "then rerun blueprintc compile")
        assert list(target.iterdir()) == []  # the half-built tree is gone
        assert inputs(workspace) == before
        subprocess.run(["mount", "-o", "remount,size=32m", str(target)], check=True)
        compile_ok(workspace)
        assert_as_fresh(workspace, tmp_path)
        assert inputs(workspace) == before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: omantel", "name: omanteltwo"),  # most paths change: a whole-tree swap
        (  # every vcluster's GitRepository changes, in place through the journal
            "baseUrl: https://gitea.hfmp.t38.omani.works",
            "baseUrl: https://gitea.example.org",
        ),
    ],
    ids=["swap", "journaled"],
)
def test_enospc_on_a_sovereign_change(workspace: Path, tmp_path: Path, old: str, new: str) -> None:
    target = workspace / "target"
    target.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=32m,nr_inodes=4096", "tmpfs", at=target):
        compile_ok(workspace)
        out_before = tree_files(target / "out")
        edit(workspace / "sovereign.yaml", old, new)
        if new == "name: omanteltwo":  # and its overlay with it, as a rename does (BPP022)
            overlays = workspace / "overlays/sovereigns"
            (overlays / "omantel.yaml").rename(overlays / "omanteltwo.yaml")
        filler = fill(target)
        before = inputs(workspace)
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "No space left on device (ENOSPC)", "target/out/ is as it was")
        shutil.rmtree(filler)
        no_leftovers(target)
        assert tree_files(target / "out") == out_before
        assert inputs(workspace) == before
        compile_ok(workspace)
        assert_as_fresh(workspace, tmp_path)


def test_enospc_on_a_small_change(workspace: Path, tmp_path: Path) -> None:
    target = workspace / "target"
    target.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=32m,nr_inodes=4096", "tmpfs", at=target):
        compile_ok(workspace)
        out_before = tree_files(target / "out")
        edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
        filler = fill(target)
        before = inputs(workspace)
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "No space left on device (ENOSPC)", "target/out/ is as it was")
        assert tree_files(target / "out") == out_before
        shutil.rmtree(filler)
        assert inputs(workspace) == before
        compile_ok(workspace)
        assert_as_fresh(workspace, tmp_path)


def test_erofs_on_a_first_compile(workspace: Path, tmp_path: Path) -> None:
    target = workspace / "target"
    target.mkdir()
    before = inputs(workspace)
    with read_only(target):
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "Read-only file system (EROFS)", "target/out/ was not created")
        assert list(target.iterdir()) == []
    assert inputs(workspace) == before
    compile_ok(workspace)
    assert_as_fresh(workspace, tmp_path)


def test_erofs_on_a_small_change(workspace: Path, tmp_path: Path) -> None:
    (workspace / "target").mkdir()
    compile_ok(workspace)
    out = workspace / OUT
    out_before = snapshot(out)
    edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
    before = inputs(workspace)
    with read_only(out):
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "Read-only file system (EROFS)", "target/out/ is as it was")
        assert_one_line(run, "make the file system holding target/out writable")
    assert snapshot(out) == out_before  # the seal too: the next run can still trust it
    assert inputs(workspace) == before
    compile_ok(workspace)
    assert_as_fresh(workspace, tmp_path)


def without_dac_override() -> None:
    """In the child: root, but bound by permission bits like any other user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def set_modes(root: Path, directory_mode: int) -> None:
    for dirpath, _, _ in os.walk(root):
        os.chmod(dirpath, directory_mode)


def test_eacces_on_a_first_compile(workspace: Path, tmp_path: Path) -> None:
    target = workspace / "target"
    target.mkdir(mode=0o555)
    before = inputs(workspace)
    run = run_cli("compile", "-o", OUT, cwd=workspace, preexec=without_dac_override)
    assert_one_line(run, "Permission denied (EACCES)", "target/out/ was not created")
    assert_one_line(run, "give this user write permission on target,")
    assert list(target.iterdir()) == []
    assert inputs(workspace) == before
    target.chmod(0o755)
    compile_ok(workspace, preexec=without_dac_override)
    assert_as_fresh(workspace, tmp_path)


def test_eacces_on_a_small_change_and_on_diff(workspace: Path, tmp_path: Path) -> None:
    (workspace / "target").mkdir()
    compile_ok(workspace)
    out = workspace / OUT
    edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
    before = inputs(workspace)
    set_modes(out, 0o555)
    out_before = snapshot(out)
    run = run_cli("compile", "-o", OUT, cwd=workspace, preexec=without_dac_override)
    assert_one_line(run, "Permission denied (EACCES)", "target/out/ is as it was")
    assert snapshot(out) == out_before
    set_modes(out, 0o755)
    (out / SHOP_MAIN).chmod(0)
    run = run_cli("diff", "-o", OUT, cwd=workspace, preexec=without_dac_override)
    assert_one_line(run, f"cannot read target/out/{SHOP_MAIN}", "nothing was written")
    assert_one_line(run, "give this user read permission", "then rerun blueprintc diff")
    run = run_cli(
        "compile", "-o", OUT, "--check", "--verify", cwd=workspace, preexec=without_dac_override
    )
    assert_one_line(run, f"cannot read target/out/{SHOP_MAIN}", "nothing was written")
    (out / SHOP_MAIN).chmod(0o644)
    assert inputs(workspace) == before
    compile_ok(workspace, preexec=without_dac_override)
    assert_as_fresh(workspace, tmp_path)


def test_an_os_error_no_layer_expected_is_one_line_too(workspace: Path) -> None:
    """lint meets an unreadable values.yaml: no layer classifies that, the CLI edge
    still gives one line naming the file and the errno, never a traceback."""
    values = workspace / "blueprints" / "webapp" / "chart" / "values.yaml"
    values.chmod(0)
    before = inputs(workspace)
    run = run_cli("lint", "blueprints/webapp", cwd=workspace, preexec=without_dac_override)
    assert_refused(run, "Permission denied (EACCES)", "blueprints/webapp/chart/values.yaml")
    assert_refused(run, "give this user access to", "then rerun blueprintc lint")
    assert len(run.stderr.strip().splitlines()) == 1, str(run)
    assert inputs(workspace) == before


def few_files() -> None:
    """In the child: an open-file limit too low for blueprintc (and for Helm's Go runtime)."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (12, 12))


def test_emfile_is_refused_before_anything_is_read_or_written(
    workspace: Path, tmp_path: Path
) -> None:
    (workspace / "target").mkdir()
    compile_ok(workspace)
    out = workspace / OUT
    out_before = snapshot(out)
    edit(workspace / ACME, "message: Welcome to Acme", "message: Welcome to Acme Trading")
    before = inputs(workspace)
    run = run_cli("compile", "-o", OUT, cwd=workspace, preexec=few_files)
    assert_one_line(run, "too many open files", "the open-file limit is 12", "ulimit -n")
    assert snapshot(out) == out_before
    assert inputs(workspace) == before
    compile_ok(workspace)
    assert_as_fresh(workspace, tmp_path)


def test_a_mounted_out_dir_is_reported_and_left_clean(workspace: Path, tmp_path: Path) -> None:
    """out/ itself a mount point (a container volume): the swap cannot rename it (EBUSY);
    the new tree built beside it is removed and out/ keeps what it held."""
    out = workspace / OUT
    out.mkdir(parents=True)
    with mounted("-t", "tmpfs", "-o", "size=32m,nr_inodes=4096", "tmpfs", at=out):
        before = inputs(workspace)
        run = run_cli("compile", "-o", OUT, cwd=workspace)
        assert_one_line(run, "Device or resource busy (EBUSY)", "target/out/ is as it was")
        assert_one_line(run, "mount the directory above it")
        no_leftovers(workspace / "target")
        assert list(out.iterdir()) == []
        assert inputs(workspace) == before
    shutil.rmtree(out)
    compile_ok(workspace)
    assert_as_fresh(workspace, tmp_path)


def test_build_into_a_read_only_out(workspace: Path) -> None:
    target = workspace / "target"
    (target / "build" / ".blueprintc").mkdir(parents=True)  # owned: the write step fails
    before = inputs(workspace)
    with read_only(target):
        run = run_cli(
            "build", "blueprints/webapp", "--out", "target", "--no-dependency-build", cwd=workspace
        )
        assert_one_line(run, "cannot write target/build/", "Read-only file system (EROFS)")
        assert_one_line(run, "every file in target/build/ is whole", "rerun blueprintc build")
        assert [p.name for p in (target / "build").iterdir()] == [".blueprintc"]
    assert inputs(workspace) == before
    run = run_cli(
        "build", "blueprints/webapp", "--out", "target", "--no-dependency-build", cwd=workspace
    )
    assert run.code == 0, str(run)


def test_publish_into_a_full_layout(workspace: Path) -> None:
    target = workspace / "target"
    target.mkdir()
    publish = ("publish", "blueprints/webapp", "--layout", "target/oci", "--no-dependency-build")
    with mounted("-t", "tmpfs", "-o", "size=8m,nr_inodes=4096", "tmpfs", at=target):
        (target / "oci" / ".blueprintc").mkdir(parents=True)  # owned: the write step fails
        filler = fill(target)
        before = inputs(workspace)
        run = run_cli(*publish, cwd=workspace)
        assert_one_line(run, "cannot write target/oci/", "No space left on device (ENOSPC)")
        assert_one_line(run, "every file in target/oci/ is whole", "rerun blueprintc publish")
        assert inputs(workspace) == before
        shutil.rmtree(filler)
        assert run_cli(*publish, cwd=workspace).code == 0


def test_publish_environments_into_a_read_only_layout(workspace: Path) -> None:
    (workspace / "target").mkdir()
    compile_ok(workspace)
    layout = workspace / "layout"
    (layout / ".blueprintc").mkdir(parents=True)  # owned: the write step fails
    publish = ("publish", "--environments", "--out", OUT, "--layout", "layout")
    before = inputs(workspace)
    with read_only(layout):
        run = run_cli(*publish, cwd=workspace)
        assert_one_line(run, "cannot write layout/environments/", "Read-only file system (EROFS)")
        assert_one_line(run, "every file in layout/ is whole", "rerun blueprintc publish")
        assert [p.name for p in layout.iterdir()] == [".blueprintc"]
    assert inputs(workspace) == before
    assert run_cli(*publish, cwd=workspace).code == 0


def test_claiming_a_new_directory_on_a_read_only_file_system(workspace: Path) -> None:
    """The first write into a new build directory is its ownership marker: an OS error
    there is one line too, and nothing was created."""
    target = workspace / "target"
    target.mkdir()
    with read_only(target):
        run = run_cli(
            "build", "blueprints/webapp", "--out", "target", "--no-dependency-build", cwd=workspace
        )
        assert_one_line(run, "cannot write target/build/.blueprintc", "target/build/ was not")
        assert list(target.iterdir()) == []


def test_keygen_into_a_full_or_read_only_directory(workspace: Path) -> None:
    """The pair is written whole or not at all: never a new key beside an old one."""
    keys = workspace / "keys"
    keys.mkdir()
    env = {"COSIGN_PASSWORD": "test-only-password"}
    assert run_cli("keygen", "-d", "keys", cwd=workspace, env=env).code == 0
    pair = snapshot(keys)
    with read_only(keys):
        run = run_cli("keygen", "-d", "keys", "--force", cwd=workspace, env=env)
        assert_one_line(run, "Read-only file system (EROFS)", "keys/ is as it was")
    assert snapshot(keys) == pair
    with mounted("-t", "tmpfs", "-o", "size=64k,nr_inodes=64", "tmpfs", at=keys):
        fill(keys)
        run = run_cli("keygen", "-d", "keys/new", cwd=workspace, env=env)
        assert_one_line(run, "No space left on device (ENOSPC)", "rerun blueprintc keygen")
        assert_one_line(run, "keys/new/ was not created")
        assert not (keys / "new").exists()
