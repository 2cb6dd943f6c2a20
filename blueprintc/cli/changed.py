"""`blueprintc changed --since <git-ref>`: what a CI run must build."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.option("--since", required=True, help="Git ref to compare with (merge base with HEAD).")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github-matrix"]),
    default="text",
    show_default=True,
)
def changed(since: str, path: Path, output_format: str) -> None:
    """List Blueprints changed since a ref plus every Blueprint depending on them."""
    from blueprintc.build import BuildError, changed_blueprints

    try:
        result = changed_blueprints(path, since)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output_format == "github-matrix":
        click.echo(json.dumps(result.github_matrix(), separators=(",", ":")))
        return
    for item in result.blueprints:
        click.echo(f"{item.name}\t{item.path}\t{item.reason}")
