"""The command line: each command parses options, calls one library function,
renders the result and exits. One module per command family, listed below.

Exit codes: 0 clean, 1 findings (at or above --fail-on), 2 usage or input errors.
"""

from __future__ import annotations

import sys

import click

from blueprintc import __version__
from blueprintc.cli import build, changed, compile, lint, sign


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blueprintc")
def cli() -> None:
    """blueprintc: lint, render, compile and publish Catalyst Blueprints for Flux."""


COMMANDS: list[click.Command] = [
    lint.lint,
    lint.explain,
    build.build,
    build.publish,
    sign.keygen,
    sign.verify,
    changed.changed,
    compile.compile_command,
    compile.diff_command,
    compile.explain_value_command,
]
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """The one top-level handler: input and output errors exit 2 with a message."""
    from blueprintc.emit import EmitError
    from blueprintc.source import InputError

    try:
        cli(prog_name="blueprintc")
    except InputError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        click.echo(f"blueprintc: error {exc.rule}: {exc.path}: {exc.message}{hint}", err=True)
        sys.exit(2)
    except EmitError as exc:
        click.echo(f"blueprintc: error: {exc}", err=True)
        sys.exit(2)
