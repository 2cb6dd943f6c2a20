"""Commands are imported only when they run, and `--help` says what each one says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click

from blueprintc.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parents[2]
# What lint and --help must never import: the publish side of the house.
HEAVY = ("blueprintc.build", "blueprintc.signing", "blueprintc.oci", "git", "cyclonedx")


def test_kept_help_lines_equal_each_commands_own() -> None:
    for name, lazy in COMMANDS.items():
        command = lazy.load()
        assert command.name == name
        assert command.get_short_help_str(limit=200) == lazy.short_help, name


def test_every_command_is_reachable_and_runs_its_help() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.params, name


def _imported_after(*args: str) -> list[str]:
    """Module names a fresh `blueprintc ARGS` process had imported when it exited."""
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
        "from blueprintc.cli import main\n"
        f"sys.argv = ['blueprintc', *{list(args)!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_imports_no_command() -> None:
    modules = _imported_after("--help")
    assert _heavy(modules) == []
    commands = [m for m in modules if m.startswith("blueprintc.cli.")]
    assert commands == ["blueprintc.cli.lazy"]


def test_lint_imports_nothing_of_build_signing_oci_or_git() -> None:
    assert _heavy(_imported_after("lint", "blueprints/webapp")) == []


def test_lint_imports_no_network_module() -> None:
    """ssl and socket come in only with urllib, when a failed dependency build probes."""
    modules = _imported_after("lint", "blueprints/webapp")
    assert [m for m in modules if m in ("ssl", "socket", "urllib.request")] == []
