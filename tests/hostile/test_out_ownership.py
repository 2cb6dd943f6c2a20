"""blueprintc writes and deletes only inside a directory it owns (issue 13, point 1).

Every case runs the real CLI and compares a snapshot of the workspace and of the
directory it was pointed at before and after: a refused output directory keeps
every byte, and the refusal is one line (exit 2) saying why and what to do.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from .harness import CliRun, assert_no_traceback, assert_refused, run_cli, snapshot

COMMANDS = [("compile",), ("compile", "--check"), ("diff",)]


def _set_out(workspace: Path, value: str) -> None:
    config = workspace / "blueprintc.yaml"
    lines = config.read_text("utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("out:")]
    config.write_text("\n".join([*kept, f"out: {value}"]) + "\n", "utf-8")


def _one_line(run: CliRun) -> str:
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, str(run)
    assert run.stdout == "", str(run)
    return lines[0]


def _refused_untouched(
    workspace: Path, args: tuple[str, ...], *needles: str, also: Path | None = None
) -> str:
    before = snapshot(workspace), snapshot(also) if also else {}
    run = run_cli(*args, cwd=workspace)
    assert_refused(run, *needles)
    assert (snapshot(workspace), snapshot(also) if also else {}) == before
    return _one_line(run)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_workspace_itself(workspace: Path, command: tuple[str, ...]) -> None:
    line = _refused_untouched(workspace, (*command, "-o", "."), "is the workspace", "fix:")
    assert "refusing" in line


def test_out_dot_in_the_config(workspace: Path) -> None:
    _set_out(workspace, ".")
    line = _refused_untouched(workspace, ("compile",), "blueprintc.yaml", "`out: .`")
    assert "inside the workspace" in line


@pytest.mark.parametrize("inputs", ["organizations", "blueprints", "overlays"])
def test_an_input_directory(workspace: Path, inputs: str) -> None:
    _refused_untouched(workspace, ("compile", "-o", inputs), f"the input directory {inputs}")


def test_inside_an_input_directory(workspace: Path) -> None:
    _refused_untouched(workspace, ("compile", "-o", "blueprints/new"), "lies inside the input")


def test_a_directory_holding_someone_elses_files(workspace: Path) -> None:
    target = workspace / "some" / "dir"
    (target / "sub").mkdir(parents=True)
    (target / "important.txt").write_text("mine\n")
    (target / "sub" / "data.db").write_bytes(b"\0db")
    for command in COMMANDS:
        line = _refused_untouched(
            workspace, (*command, "-o", "some/dir"), "important.txt", "sub/", ".blueprintc/"
        )
        assert "did not write" in line
    # --force-prune never hands someone else's directory over
    _refused_untouched(workspace, ("compile", "--force-prune", "-o", "some/dir"), "important.txt")


@pytest.mark.parametrize("command", COMMANDS)
def test_the_filesystem_root_is_refused_before_any_scan(
    workspace: Path, command: tuple[str, ...]
) -> None:
    started = time.perf_counter()
    _refused_untouched(workspace, (*command, "-o", "/"), "filesystem root")
    assert time.perf_counter() - started < 20  # a walk of / took 58 s


def test_out_root_in_the_config(workspace: Path) -> None:
    _set_out(workspace, "/")
    started = time.perf_counter()
    line = _refused_untouched(workspace, ("compile",), "blueprintc.yaml", "`out: /`")
    assert time.perf_counter() - started < 20
    assert "absolute" in line


@pytest.mark.parametrize("value", ["../victim", "..", "ABSOLUTE"])
def test_config_out_must_stay_inside_the_workspace(
    workspace: Path, tmp_path: Path, value: str
) -> None:
    victim = tmp_path / "victim"
    (victim / "deep").mkdir(parents=True)
    (victim / "deep" / "precious.txt").write_text("keep me\n")
    shown = str(victim) if value == "ABSOLUTE" else value
    _set_out(workspace, shown)
    line = _refused_untouched(
        workspace, ("compile",), "blueprintc.yaml", f"`out: {shown}`", "-o DIR", also=tmp_path
    )
    assert "inside the workspace" in line
    # the same directory given on the command line is the user's explicit choice,
    # and still refused because it is someone else's
    _set_out(workspace, "out")
    _refused_untouched(workspace, ("compile", "-o", str(victim)), "deep/")


def test_config_out_through_a_link_that_leaves_the_workspace(
    workspace: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (workspace / "link").symlink_to(victim, target_is_directory=True)
    _set_out(workspace, "link/out")
    _refused_untouched(workspace, ("compile",), "blueprintc.yaml", "leads outside", also=victim)


def test_an_out_that_is_a_link(workspace: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (workspace / "out").symlink_to(victim, target_is_directory=True)
    _refused_untouched(workspace, ("compile",), "out is a symbolic link", also=victim)
    _refused_untouched(workspace, ("compile", "-o", "out"), "symbolic link", also=victim)


def test_the_home_directory(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()  # empty: refused for being home, not for its files
    before = snapshot(workspace), snapshot(home)
    for command in COMMANDS:
        run = run_cli(*command, "-o", home, cwd=workspace, env={"HOME": str(home)})
        assert_refused(run, "home directory")
        _one_line(run)
    run = run_cli("compile", "-o", tmp_path, cwd=workspace, env={"HOME": str(home)})
    assert_refused(run, "contains")
    assert (snapshot(workspace), snapshot(home)) == before
    assert list(home.iterdir()) == []


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_git_repository_in_out_survives_a_compile(workspace: Path) -> None:
    """`git init` inside out/, commit, change an input (a full rebuild), compile: out/.git
    and its commit are still there; so are files the user added."""
    first = run_cli("compile", cwd=workspace)
    assert first.code == 0, str(first)
    out = workspace / "out"
    _git(out, "init", "-q")
    (out / "NOTES.md").write_text("written by hand\n")
    _git(out, "add", "-A")
    _git(out, "commit", "-q", "-m", "compiled tree")
    head = _git(out, "rev-parse", "HEAD")
    git_before = snapshot(out / ".git")
    for change in ("message: Welcome to Acme", "prod"):  # one Organization, then shared
        if change == "prod":
            overlay = workspace / "overlays/environments/prod.yaml"
            overlay.write_text(overlay.read_text("utf-8") + "\n# changed\n", "utf-8")
        else:
            org = workspace / "organizations/acme.yaml"
            org.write_text(org.read_text("utf-8").replace(change, change + " again"), "utf-8")
        run = run_cli("compile", cwd=workspace)
        assert run.code == 0, str(run)
        assert_no_traceback(run)
        assert snapshot(out / ".git") == git_before
        assert _git(out, "rev-parse", "HEAD") == head
        assert (out / "NOTES.md").read_text() == "written by hand\n"
    assert "NOTES.md" in run.stdout and "--force-prune" in run.stdout
    forced = run_cli("compile", "--force-prune", cwd=workspace)
    assert forced.code == 0, str(forced)
    assert not (out / "NOTES.md").exists()
    assert snapshot(out / ".git") == git_before  # dot-entries survive even --force-prune
    assert _git(out, "log", "--format=%H") == head


def test_build_and_publish_refuse_someone_elses_directories(workspace: Path) -> None:
    theirs = workspace / "theirs"
    theirs.mkdir()
    (theirs / "important.txt").write_text("mine\n")
    cases = [
        ("build", "blueprints/webapp", "--out", "theirs"),
        ("build", "blueprints/webapp", "--out", "."),
        ("publish", "blueprints/webapp", "--layout", "theirs"),
        ("publish", "blueprints/webapp", "--layout", "organizations"),
        ("publish", "--environments", "--layout", "theirs"),
        ("publish", "--environments", "--out", "/"),
    ]
    compiled = run_cli("compile", cwd=workspace)
    assert compiled.code == 0, str(compiled)
    for args in cases:
        line = _refused_untouched(workspace, args, "refusing", "fix:")
        assert "important.txt" in line or "workspace" in line or "root" in line or "input" in line


def test_keygen_into_a_file_or_the_root(workspace: Path) -> None:
    (workspace / "afile").write_text("x")
    env = {"COSIGN_PASSWORD": ""}
    for target, why in (("afile", "not a directory"), ("/", "filesystem root")):
        before = snapshot(workspace)
        run = run_cli("keygen", "-d", target, cwd=workspace, env=env)
        assert_refused(run, why)
        _one_line(run)
        assert snapshot(workspace) == before


def test_publish_environments_without_out_uses_the_workspace_out(workspace: Path) -> None:
    """`publish --environments --layout L` without --out read out/ of the workspace (it
    failed with an AttributeError) and writes only the layout it was given."""
    compiled = run_cli("compile", cwd=workspace)
    assert compiled.code == 0, str(compiled)
    before = snapshot(workspace, skip=("layout",))
    run = run_cli("publish", "--environments", "--layout", "layout", cwd=workspace)
    assert run.code == 0, str(run)
    assert_no_traceback(run)
    assert "unsigned" in run.stdout
    assert (workspace / "layout" / ".blueprintc").is_dir()
    assert snapshot(workspace, skip=("layout",)) == before
    again = run_cli("publish", "--environments", "--layout", "layout", cwd=workspace)
    assert again.code == 0, str(again)  # its own layout: written again
