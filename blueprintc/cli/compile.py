"""`blueprintc compile`, `blueprintc diff` and `blueprintc explain-value`."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from blueprintc import progress
from blueprintc.cli import options, verbosity
from blueprintc.cores import usable_cores
from blueprintc.diagnostics import Diagnostic

if TYPE_CHECKING:
    from blueprintc.compile.outcome import CompileOutcome
    from blueprintc.compile.shard import Shard


def _root(path: Path | None) -> Path:
    """The workspace compile works on: `blueprintc.yaml` names it (a Sovereign needs one)."""
    from blueprintc.workspace import WORKSPACE_FILE, workspace_root

    if path is not None and not path.exists():
        # Else the search starts at its parent: `compile nodir` would compile the
        # workspace around the current directory.
        click.echo(
            f"blueprintc: error: {path} does not exist: name the workspace directory "
            f"({_naming()}), or leave it out inside one",
            err=True,
        )
        sys.exit(2)
    start = path or Path.cwd()
    root = workspace_root(start)
    if root is None:
        click.echo(
            f"blueprintc: error: no {WORKSPACE_FILE} in {start} or any parent directory: "
            f"run this command inside a workspace, or name its directory ({_naming()}); a "
            f"workspace starts with a {WORKSPACE_FILE} naming its Sovereign spec (README: "
            "Compiling a Sovereign)",
            err=True,
        )
        sys.exit(2)
    missing = _missing_sovereign(root)
    if missing is not None:
        click.echo(
            f"blueprintc: error: no Sovereign spec: {missing} does not exist in the workspace "
            f"{root}: write it (schemas/sovereign.schema.json documents it), or name another "
            f"file with `sovereign:` in {WORKSPACE_FILE}",
            err=True,
        )
        sys.exit(2)
    return root


def _naming() -> str:
    """How the running command is given a workspace directory: `blueprintc diff DIR`,
    `blueprintc explain-value -w DIR ...`."""
    context = click.get_current_context(silent=True)
    if context is None:
        return "the workspace directory"
    if any(
        "--workspace" in p.opts for p in context.command.params if p.param_type_name == "option"
    ):
        return f"`{context.command_path} --workspace DIR ...`"
    return f"`{context.command_path} DIR`"


def _missing_sovereign(root: Path) -> str | None:
    """The Sovereign file blueprintc.yaml names (or sovereign.yaml), when it is absent.
    A blueprintc.yaml that cannot be read is left to the command, which reports it."""
    from blueprintc.compile.inputfiles import setting
    from blueprintc.source import InputError
    from blueprintc.workspace import load_workspace

    try:
        workspace = load_workspace(root)
    except InputError:
        return None
    name = setting(workspace, "sovereign", "sovereign.yaml")
    path = root / name
    return None if path.exists() or path.is_symlink() else name


_FORCE_PRUNE = click.option(
    "--force-prune",
    is_flag=True,
    help="Also remove (or overwrite) files in out/ that blueprintc did not write; "
    "dot-entries such as .git are never touched.",
)
_SHOWN = 5  # unknown files named in the summary


def _unknown_note(unknown: tuple[str, ...]) -> str:
    """One line about the files in out/ that blueprintc did not write and kept."""
    shown = ", ".join(unknown[:_SHOWN]) + (", ..." if len(unknown) > _SHOWN else "")
    return (
        f"  kept {len(unknown)} file(s) in out/ that blueprintc did not write: {shown} "
        "(move them away, or pass --force-prune to remove them)"
    )


def _report(diagnostics: list[Diagnostic], root: Path) -> None:
    if diagnostics:
        from blueprintc.cli.colour import use_colour
        from blueprintc.diagnostics import Severity
        from blueprintc.lint import LintResult
        from blueprintc.repopath import from_repository_root
        from blueprintc.reporters import text

        result = from_repository_root(
            LintResult(root=root, fail_on=Severity.ERROR, diagnostics=diagnostics)
        )
        colour = use_colour(sys.stderr)
        click.echo(text.render_diagnostics(result, colour), err=True, nl=False, color=colour)


_WAITING_SHOWN = 3


def _report_folded(diagnostics: list[Diagnostic], root: Path) -> None:
    """The findings, with waiting promotions (BPP031, information) past the first few
    folded into one line unless -v: a new Blueprint version used by a thousand
    Applications is one fact, not a thousand."""
    waiting = [d for d in diagnostics if d.rule == "BPP031"]
    if len(waiting) <= _WAITING_SHOWN or verbosity.verbose():
        _report(diagnostics, root)
        return
    folded = set(map(id, waiting[_WAITING_SHOWN:]))
    _report([d for d in diagnostics if id(d) not in folded], root)
    click.echo(
        f"... and {len(folded)} more promotions waiting (BPP031; -v lists them; "
        "`blueprintc promote --all` proposes them)\n",
        err=True,
    )


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
@_FORCE_PRUNE
@options.kube_version
@options.schema_locations
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=usable_cores,
    show_default="the cores this process may use, at most 8",
    help="Plan and check Organizations in this many processes (the output is the same).",
)
@click.option(
    "--shard",
    "shard_spec",
    metavar="K/N",
    help="Compile shard K of N: shard 1 the Sovereign-wide part, each shard the "
    "Organizations whose name hashes to it; the N trees together are the whole compile.",
)
@click.option(
    "--shards",
    type=int,
    metavar="N",
    help="With --format github-matrix: print the Actions matrix of N shards, compile nothing.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github-matrix"]),
    default="text",
    show_default=True,
    help="json: the outcome as one document (formatVersion 1) on stdout; github-matrix: "
    "the shard matrix for --shards N (the shape `changed` prints).",
)
def compile_command(
    workspace: Path | None,
    out: Path | None,
    check: bool,
    validate: bool,
    verify: bool,
    force_prune: bool,
    shard_spec: str | None,
    shards: int | None,
    output_format: str,
    kube_version: str | None,
    schema_locations: tuple[Path, ...],
    jobs: int,
) -> None:
    """Compile the Sovereign, Organizations and Blueprints into the Flux tree.

    out/ must be new, empty or blueprintc's own (its .blueprintc/ marker); only
    files blueprintc wrote are ever pruned.
    """
    from blueprintc.compile.run import run_compile
    from blueprintc.compile.shard import Shard, ShardSyntaxError, github_matrix

    if output_format == "github-matrix" or shards is not None:
        if output_format != "github-matrix" or shards is None:
            raise click.UsageError("--shards N and --format github-matrix go together")
        try:
            click.echo(json.dumps(github_matrix(shards), separators=(",", ":")))
        except ShardSyntaxError as exc:
            raise click.UsageError(str(exc)) from None
        return
    try:
        shard = Shard.parse(shard_spec) if shard_spec is not None else None
    except ShardSyntaxError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from None
    started = time.perf_counter()
    root = _root(workspace)
    options.check_kube_version(kube_version, root)
    options.check_schema_locations(schema_locations, root)
    with progress.shown(verbosity.show_progress(output_format)):
        outcome = run_compile(
            root,
            out=out,
            check=check,
            validate=validate,
            trust_stat=not verify,
            force_prune=force_prune,
            shard=shard,
            kubernetes_version=kube_version,
            schema_locations=tuple(p.resolve() for p in schema_locations),
            jobs=jobs,
        )
    if output_format == "json":
        _json_outcome(outcome, root, check, shard, time.perf_counter() - started)
    _report_folded(outcome.diagnostics, root)  # warnings too: they do not stop the compile
    if outcome.failing:
        click.echo(
            f"compile failed: {len(outcome.failing)} finding(s); {outcome.out_rel}/ left untouched",
            err=True,
        )
        sys.exit(1)
    report = outcome.report
    assert report is not None
    if check:
        stale = [*report.written, *report.removed]
        for path in stale:
            click.echo(path)
        if report.unknown and not verbosity.quiet():
            click.echo(_unknown_note(report.unknown).strip(), err=True)
        if stale or not verbosity.quiet():
            click.echo(
                f"{len(stale)} file(s) differ from the compiled tree"
                if stale
                else "out/ is up to date",
                err=True,
            )
        sys.exit(1 if stale else 0)
    if verbosity.quiet():
        return
    kinds = Counter(outcome.kinds)
    seconds = time.perf_counter() - started
    part = f" (shard {shard})" if shard is not None else ""
    click.echo(
        f"compiled {outcome.workspace_name}{part} into {outcome.out_rel}/ in {seconds:.2f} s"
    )
    note = " (sealed: inputs and out/ untouched, nothing re-planned)" if outcome.sealed else ""
    if outcome.patched is not None:
        shown = ", ".join(outcome.patched[:5]) + (", ..." if len(outcome.patched) > 5 else "")
        note = f" (re-planned only {shown}: the rest of out/ is sealed and untouched)"
    click.echo(
        f"  files: {len(outcome.files)} planned, {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed{note}"
    )
    if report.unknown:
        click.echo(_unknown_note(report.unknown))
    for kind, count in sorted(kinds.items()):
        click.echo(f"  {kind:<20} {count}")
    if verbosity.verbose():
        for path in report.written:
            click.echo(f"  wrote   {outcome.out_rel}/{path}")
        for path in report.removed:
            click.echo(f"  removed {outcome.out_rel}/{path}")


def _json_outcome(
    outcome: CompileOutcome, root: Path, check: bool, shard: Shard | None, seconds: float
) -> NoReturn:
    """The compile's outcome as one JSON document on stdout, then its exit status."""
    from blueprintc.jsondoc import json_document
    from blueprintc.lint import LintResult
    from blueprintc.repopath import from_repository_root
    from blueprintc.reporters.json_report import as_dict

    shown = from_repository_root(
        LintResult(root=root, fail_on=outcome.fail_on, diagnostics=outcome.diagnostics)
    )
    report = outcome.report
    stale = [*report.written, *report.removed] if report is not None and check else []
    body: dict[str, Any] = {
        "sovereign": outcome.workspace_name,
        "out": outcome.out_rel,
        "shard": str(shard) if shard is not None else None,
        "check": check,
        "failed": bool(outcome.failing),
        "upToDate": not stale if check else None,
        "seconds": round(seconds, 3),
        "sealed": outcome.sealed is not None,
        "replanned": list(outcome.patched) if outcome.patched is not None else None,
        "files": None
        if report is None
        else {
            "planned": len(outcome.files),
            "written": len(report.written),
            "unchanged": len(report.unchanged),
            "removed": len(report.removed),
            "unknown": list(report.unknown),
            "stale": stale,
        },
        "kinds": dict(sorted(Counter(outcome.kinds).items())),
        "diagnostics": [as_dict(d) for d in shown.diagnostics],
    }
    click.echo(json_document("compile", body), nl=False)
    sys.exit(1 if outcome.failing or stale else 0)


@click.command("diff")
@click.argument("workspace", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--out", type=click.Path(path_type=Path))
@_FORCE_PRUNE
def diff_command(workspace: Path | None, out: Path | None, force_prune: bool) -> None:
    """Show a unified diff of what a compile would change in out/."""
    from blueprintc.compile.run import run_diff

    root = _root(workspace)
    outcome, text = run_diff(root, out=out, force_prune=force_prune)
    _report(outcome.diagnostics, root)
    if outcome.failing:
        sys.exit(1)
    click.echo(text, nl=False)
    sys.exit(1 if text else 0)


@click.command("explain-value")
@click.argument("target")
@click.argument("key")
@click.option("-w", "--workspace", type=click.Path(path_type=Path, file_okay=False))
@options.output_format(
    "json: the value and every layer that set it, latest first (formatVersion 1)."
)
def explain_value_command(
    target: str, key: str, workspace: Path | None, output_format: str
) -> None:
    """Why does <org>/<app>/<env> have this value? KEY is dotted, e.g. webapp.replicaCount."""
    from blueprintc.compile.run import explain_value, value_origins

    root = _root(workspace)
    try:
        if output_format == "json":
            from blueprintc.jsondoc import json_document

            found = value_origins(root, target, key)
            layers = [
                {
                    "layer": o.layer,
                    "value": o.value,
                    "file": o.source,
                    "line": o.line,
                    "column": o.column,
                }
                for o in found.origins
            ]
            body = {"target": target, "key": key, "value": found.value, "layers": layers}
            click.echo(json_document("explain-value", body), nl=False)
            return
        lines = explain_value(root, target, key)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    for line in lines:
        click.echo(line)
