"""`blueprintc compile`, `blueprintc diff` and `blueprintc explain-value`."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import click

from blueprintc.diagnostics import Diagnostic


def _root(path: Path | None) -> Path:
    """The workspace compile works on: `blueprintc.yaml` names it (a Sovereign needs one)."""
    from blueprintc.workspace import WORKSPACE_FILE, workspace_root

    start = path or Path.cwd()
    root = workspace_root(start)
    if root is None:
        click.echo(
            f"blueprintc: error: no {WORKSPACE_FILE} in {start} or any parent directory: "
            "run this command inside a workspace, or name the workspace directory",
            err=True,
        )
        sys.exit(2)
    return root


def _report(diagnostics: list[Diagnostic], root: Path) -> None:
    from blueprintc.lint import LintResult
    from blueprintc.reporters import text

    if diagnostics:
        from blueprintc.diagnostics import Severity

        result = LintResult(root=root, fail_on=Severity.ERROR, diagnostics=diagnostics)
        click.echo(text.render_diagnostics(result, sys.stderr.isatty()), err=True, nl=False)


@click.command("compile")
@click.argument("workspace", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Default: out/ (blueprintc.yaml)."
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 and list files if out/ is stale."
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Schema-check every emitted object.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Re-hash every file in out/ instead of trusting unchanged size, mtime and inode.",
)
def compile_command(
    workspace: Path | None, out: Path | None, check: bool, validate: bool, verify: bool
) -> None:
    """Compile the Sovereign, Organizations and Blueprints into the Flux tree."""
    from blueprintc.compile.run import run_compile

    started = time.perf_counter()
    root = _root(workspace)
    outcome = run_compile(root, out=out, check=check, validate=validate, trust_stat=not verify)
    _report(outcome.diagnostics, root)
    if outcome.diagnostics:
        click.echo(
            f"compile failed: {len(outcome.diagnostics)} finding(s); "
            f"{outcome.out_rel}/ left untouched",
            err=True,
        )
        sys.exit(1)
    report = outcome.report
    assert report is not None
    if check:
        stale = [*report.written, *report.removed]
        for path in stale:
            click.echo(path)
        click.echo(
            f"{len(stale)} file(s) differ from the compiled tree"
            if stale
            else "out/ is up to date",
            err=True,
        )
        sys.exit(1 if stale else 0)
    kinds = Counter(outcome.kinds)
    seconds = time.perf_counter() - started
    click.echo(f"compiled {outcome.workspace_name} into {outcome.out_rel}/ in {seconds:.2f} s")
    note = " (sealed: inputs and out/ untouched, nothing re-planned)" if outcome.sealed else ""
    if outcome.patched is not None:
        shown = ", ".join(outcome.patched[:5]) + (", ..." if len(outcome.patched) > 5 else "")
        note = f" (re-planned only {shown}: the rest of out/ is sealed and untouched)"
    click.echo(
        f"  files: {len(outcome.files)} planned, {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed{note}"
    )
    for kind, count in sorted(kinds.items()):
        click.echo(f"  {kind:<20} {count}")


@click.command("diff")
@click.argument("workspace", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--out", type=click.Path(path_type=Path))
def diff_command(workspace: Path | None, out: Path | None) -> None:
    """Show a unified diff of what a compile would change in out/."""
    from blueprintc.compile.run import run_diff

    root = _root(workspace)
    outcome, text = run_diff(root, out=out)
    _report(outcome.diagnostics, root)
    if outcome.diagnostics:
        sys.exit(1)
    click.echo(text, nl=False)
    sys.exit(1 if text else 0)


@click.command("explain-value")
@click.argument("target")
@click.argument("key")
@click.option("-w", "--workspace", type=click.Path(path_type=Path, file_okay=False))
def explain_value_command(target: str, key: str, workspace: Path | None) -> None:
    """Why does <org>/<app>/<env> have this value? KEY is dotted, e.g. webapp.replicaCount."""
    from blueprintc.compile.run import explain_value

    try:
        lines = explain_value(_root(workspace), target, key)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    for line in lines:
        click.echo(line)
