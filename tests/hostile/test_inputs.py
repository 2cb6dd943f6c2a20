"""Hostile and careless inputs to `blueprintc compile` (issue 13, points 2, 4 and 10).

Every input compile reads, and every file it hashes for the seal, goes through
the safe source layer: a FIFO or a device link is a diagnostic at that file,
never a hang (the harness's timeout fails a hang) or an unbounded read. A spec
that holds nothing is one error; a YAML key or value Helm cannot read is one
error where it stands; an override for an env type the Organization does not
have is an error listing the ones it has. The workspace keeps every byte.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.hostile.harness import CliRun, assert_refused, run_cli, snapshot

# A FIFO must fail fast: far below the harness default, far above a cold compile.
TIMEOUT = 45.0


def _compile(workspace: Path, *args: str) -> CliRun:
    return run_cli("compile", *args, cwd=workspace, timeout=TIMEOUT)


def _errors(run: CliRun) -> list[str]:
    """The `file:line:col: error RULE` header lines of the diagnostics printed."""
    return re.findall(r"^\S+:\d+:\d+: error \S+ .*$", run.stderr, flags=re.MULTILINE)


def _refused_at(workspace: Path, where: str, *needles: str) -> CliRun:
    """Compile: exit 1, one error, at `where`, every needle in it; workspace unchanged."""
    before = snapshot(workspace, skip=("out",))
    run = _compile(workspace)
    assert_refused(run, *needles, code=1)
    errors = _errors(run)
    assert len(errors) == 1 and errors[0].startswith(f"{where}:"), str(run)
    assert snapshot(workspace, skip=("out",)) == before
    return run


def test_fifo_organization_file(workspace: Path) -> None:
    os.mkfifo(workspace / "organizations" / "fifo.yaml")
    _refused_at(workspace, "organizations/fifo.yaml", "BPI007", "FIFO")


def test_dev_zero_link_among_organizations(workspace: Path) -> None:
    (workspace / "organizations" / "zero.yaml").symlink_to("/dev/zero")
    _refused_at(workspace, "organizations/zero.yaml", "BPI006", "outside the workspace")


def test_fifo_in_overlays(workspace: Path) -> None:
    """Never parsed by the plan, but hashed for the seal: refused all the same."""
    os.mkfifo(workspace / "overlays" / "notes.txt")
    _refused_at(workspace, "overlays/notes.txt", "BPI007", "FIFO")


def test_dev_zero_link_in_overlays(workspace: Path) -> None:
    (workspace / "overlays" / "environments" / "zero.txt").symlink_to("/dev/zero")
    _refused_at(workspace, "overlays/environments/zero.txt", "BPI006", "/dev/zero")


def test_fifo_in_a_sealed_workspace(workspace: Path) -> None:
    """A FIFO planted after a sealed compile: the next compile is not 'sealed'."""
    assert _compile(workspace).code == 0
    os.mkfifo(workspace / "overlays" / "late.yaml")
    _refused_at(workspace, "overlays/late.yaml", "FIFO")


def test_organizations_is_a_regular_file(workspace: Path) -> None:
    """blueprintc.yaml names `organizations: organizations`; it is a file: an error at
    that key, never a Sovereign with zero Organizations."""
    for spec in (workspace / "organizations").iterdir():
        spec.unlink()
    (workspace / "organizations").rmdir()
    (workspace / "organizations").write_text("acme\n")
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "organizations", "not a directory")


def test_default_organizations_is_a_regular_file(workspace: Path) -> None:
    """Without the key: an error at the file itself."""
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text().replace("organizations: organizations\n", ""))
    for spec in (workspace / "organizations").iterdir():
        spec.unlink()
    (workspace / "organizations").rmdir()
    (workspace / "organizations").write_text("acme\n")
    _refused_at(workspace, "organizations", "BPI007", "not a directory")


def test_organizations_outside_the_workspace(workspace: Path) -> None:
    config = workspace / "blueprintc.yaml"
    config.write_text(
        config.read_text().replace("organizations: organizations", "organizations: /etc")
    )
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "organizations: /etc", "outside")


def test_organizations_directory_missing(workspace: Path) -> None:
    config = workspace / "blueprintc.yaml"
    config.write_text(
        config.read_text().replace("organizations: organizations", "organizations: orgs")
    )
    _refused_at(workspace, "blueprintc.yaml", "BPI009", "does not exist")


@pytest.mark.parametrize("text", ["", "# nothing here yet\n", "---\n", "[]\n"])
def test_empty_organization_file_is_one_error(workspace: Path, text: str) -> None:
    (workspace / "organizations" / "empty.yaml").write_text(text)
    run = _refused_at(workspace, "organizations/empty.yaml", "BPP015", "organization spec")
    assert "1 finding(s)" in run.stderr and "''" not in run.output, str(run)


def test_empty_sovereign_is_one_error(workspace: Path) -> None:
    (workspace / "sovereign.yaml").write_text("# to be written\n")
    _refused_at(workspace, "sovereign.yaml", "BPP015", "sovereign spec")
