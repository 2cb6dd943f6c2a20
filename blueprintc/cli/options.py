"""Options several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def output_format(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|json` (default text) into the `output_format` parameter; `help`
    says what the JSON document holds."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )
