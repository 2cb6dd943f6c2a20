"""`blueprintc changed --since <git-ref>`: what a CI run must build."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from blueprintc.cli import verbosity
from blueprintc.diagnostics import Severity


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
    from blueprintc.build import BuildError
    from blueprintc.build.changed import changed_in, compare
    from blueprintc.build.version_bump import unbumped
    from blueprintc.diagnostics import failing
    from blueprintc.lint import finalise

    output_file = os.environ.get("GITHUB_OUTPUT", "")
    if github_output and not output_file:
        raise click.UsageError("--github-output needs $GITHUB_OUTPUT (set by the Actions runner)")
    try:
        comparison = compare(path, since)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    result = changed_in(comparison)
    if verbosity.verbose():
        click.echo(
            f"compared the working tree with {since} (merge base {result.base[:12]}): "
            f"{len(result.blueprints)} to build, {len(result.deleted)} deleted",
            err=True,
        )
    workspace = comparison.workspace
    bumps = finalise(unbumped(comparison), workspace, None)  # rule settings apply
    stopping = failing(bumps, workspace.fail_on)
    _report_bumps(bumps, comparison.workspace.root)
    matrix = json.dumps(result.github_matrix(), separators=(",", ":"))
    if github_output:
        has_changes = "true" if result.blueprints else "false"
        with open(output_file, "a", encoding="utf-8") as handle:
            handle.write(f"matrix={matrix}\nhas-changes={has_changes}\n")
    if output_format == "github-matrix":
        click.echo(matrix)
        sys.exit(1 if stopping else 0)
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        listed = [
            {"name": i.name, "path": i.path, "reason": i.reason}
            for i in (*result.blueprints, *result.deleted)
        ]
        from blueprintc.reporters.json_report import as_dict

        body = {
            "since": since,
            "hasChanges": bool(result.blueprints),
            "blueprints": listed,
            "diagnostics": [as_dict(d) for d in _repository_relative(bumps, workspace.root)],
        }
        click.echo(json_document("changed", body), nl=False)
        sys.exit(1 if stopping else 0)
    for item in (*result.blueprints, *result.deleted):
        click.echo(f"{item.name}\t{item.path}\t{item.reason}")
    sys.exit(1 if stopping else 0)


def _report_bumps(bumps: list[Any], root: Path) -> None:
    """BPS007 findings on stderr, as compile reports its findings (stdout stays the list
    or the matrix a workflow reads)."""
    from blueprintc.cli.compile import _report

    _report(bumps, root)


def _repository_relative(bumps: list[Any], root: Path) -> list[Any]:
    from blueprintc.lint import LintResult
    from blueprintc.repopath import from_repository_root

    result = LintResult(root=root, fail_on=Severity.ERROR, diagnostics=bumps)
    return from_repository_root(result).diagnostics
