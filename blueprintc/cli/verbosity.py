"""`-q/--quiet` and `-v/--verbose`, on the group (`blueprintc -q lint`) and on every
command (`blueprintc lint -q`): one level for the run, read where output is written.

Quiet (as ruff's `-q`): findings, errors and failures only, no summaries or progress.
Verbose: what normal output sums up, item by item, and how long the work took.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1
_KEY = "blueprintc.verbosity"


def level() -> int:
    """The run's level (NORMAL outside a command, e.g. in a library call)."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_KEY, NORMAL)) if ctx is not None else NORMAL


def quiet() -> bool:
    return level() == QUIET


def verbose() -> bool:
    return level() == VERBOSE


def _set(wanted: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if not value:
            return
        current = ctx.meta.get(_KEY, NORMAL)
        if current not in (NORMAL, wanted):
            raise click.UsageError("-q/--quiet and -v/--verbose exclude each other", ctx)
        ctx.meta[_KEY] = wanted

    return callback


def options() -> list[click.Option]:
    return [
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set(QUIET),
            help="Only findings, errors and failures; no summaries.",
        ),
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set(VERBOSE),
            help="Each item a summary counts, and timings.",
        ),
    ]


def add_to(command: click.Command) -> click.Command:
    """Give `command` the two options (once; a command's own -v/-q would clash)."""
    taken = {name for param in command.params for name in getattr(param, "opts", [])}
    if not taken & {"-q", "--quiet", "-v", "--verbose"}:
        command.params.extend(options())
    return command


def show_progress(output_format: str = "text") -> bool:
    """A progress display on stderr: a terminal, text output, not -q."""
    return output_format == "text" and not quiet() and sys.stderr.isatty()
