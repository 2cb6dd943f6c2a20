"""`blueprintc changed --since <git-ref>`: what a CI run must build."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


@click.command()
@click.option("--since", required=True, help="Git ref to compare with (merge base with HEAD).")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github-matrix"]),
    default="text",
    show_default=True,
)
@click.option(
    "--github-output",
    is_flag=True,
    help="Also append `matrix=<json>` and `has-changes=true|false` to the file named by "
    "$GITHUB_OUTPUT (GitHub and Gitea Actions), so an empty change can skip the job.",
)
def changed(since: str, path: Path, output_format: str, github_output: bool) -> None:
    """List Blueprints changed since a ref plus every Blueprint depending on them."""
    from blueprintc.build import BuildError, changed_blueprints

    output_file = os.environ.get("GITHUB_OUTPUT", "")
    if github_output and not output_file:
        raise click.UsageError("--github-output needs $GITHUB_OUTPUT (set by the Actions runner)")
    try:
        result = changed_blueprints(path, since)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    matrix = json.dumps(result.github_matrix(), separators=(",", ":"))
    if github_output:
        has_changes = "true" if result.blueprints else "false"
        with open(output_file, "a", encoding="utf-8") as handle:
            handle.write(f"matrix={matrix}\nhas-changes={has_changes}\n")
    if output_format == "github-matrix":
        click.echo(matrix)
        return
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        listed = [
            {"name": i.name, "path": i.path, "reason": i.reason}
            for i in (*result.blueprints, *result.deleted)
        ]
        body = {"since": since, "hasChanges": bool(result.blueprints), "blueprints": listed}
        click.echo(json_document("changed", body), nl=False)
        return
    for item in (*result.blueprints, *result.deleted):
        click.echo(f"{item.name}\t{item.path}\t{item.reason}")
