"""The command line: each command parses options, calls one library function,
renders the result and exits. One module per command family, listed below.

Exit codes: 0 clean, 1 findings (at or above --fail-on), 2 usage or input errors.
"""

from __future__ import annotations

import sys

import click

from blueprintc import __version__
from blueprintc.cli.lazy import LazyCommand, LazyGroup

# Each command's module is imported only when it runs (start-up is most of a
# pre-commit lint); the help line is kept here so `--help` imports none of them.
COMMANDS: dict[str, LazyCommand] = {
    "lint": LazyCommand(
        "blueprintc.cli.lint:lint",
        "Lint Blueprints: a Blueprint dir, a catalog dir, or files inside Blueprints.",
    ),
    "explain": LazyCommand(
        "blueprintc.cli.lint:explain",
        "Show a rule's rationale, examples and fix; without an id, list every rule.",
    ),
    "build": LazyCommand(
        "blueprintc.cli.build:build",
        "Lint, package and guard Blueprints; with --push, publish, sign and check the pull.",
    ),
    "publish": LazyCommand(
        "blueprintc.cli.build:publish",
        "Build, push, attach the SBOM, sign, pull back and guard (build --push).",
    ),
    "keygen": LazyCommand(
        "blueprintc.cli.sign:keygen",
        "Write a cosign key pair (password from $COSIGN_PASSWORD, or asked on a terminal).",
    ),
    "verify": LazyCommand(
        "blueprintc.cli.sign:verify",
        "Verify signature, digest binding, identity, content and SBOM of REFERENCE.",
    ),
    "changed": LazyCommand(
        "blueprintc.cli.changed:changed",
        "List Blueprints changed since a ref plus every Blueprint depending on them.",
    ),
    "compile": LazyCommand(
        "blueprintc.cli.compile:compile_command",
        "Compile the Sovereign, Organizations and Blueprints into the Flux tree.",
    ),
    "diff": LazyCommand(
        "blueprintc.cli.compile:diff_command",
        "Show a unified diff of what a compile would change in out/.",
    ),
    "explain-value": LazyCommand(
        "blueprintc.cli.compile:explain_value_command",
        "Why does <org>/<app>/<env> have this value? KEY is dotted, e.g. webapp.replicaCount.",
    ),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blueprintc")
def cli() -> None:
    """blueprintc: lint, render, compile and publish Catalyst Blueprints for Flux."""


def main() -> None:
    """The one top-level handler: input and output errors exit 2 with a message."""
    try:
        cli(prog_name="blueprintc")
    except Exception as exc:
        message = _input_or_output_error(exc)
        if message is None:
            raise
        click.echo(message, err=True)
        sys.exit(2)


def _input_or_output_error(exc: Exception) -> str | None:
    """The one line for a user-caused error (imported here, off the start-up path)."""
    from blueprintc.emit import EmitError
    from blueprintc.source import InputError

    if isinstance(exc, InputError):
        hint = f" ({exc.hint})" if exc.hint else ""
        return f"blueprintc: error {exc.rule}: {exc.path}: {exc.message}{hint}"
    if isinstance(exc, EmitError):
        return f"blueprintc: error: {exc}"
    return None
