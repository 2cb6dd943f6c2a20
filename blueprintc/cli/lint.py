"""`blueprintc lint` and `blueprintc explain`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from blueprintc.cli import options, verbosity
from blueprintc.diagnostics import Severity
from blueprintc.reporters import FORMATS
from blueprintc.rules import RULES

if TYPE_CHECKING:
    from blueprintc.lint import LintResult, SchemaSettings

SEVERITIES = click.Choice(["error", "warning", "info"])


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
)
@click.option("--fail-on", type=SEVERITIES, default=None, help="Lowest severity that fails.")
@click.option(
    "--select",
    multiple=True,
    help="Only these rule ids: repeatable, or comma-separated (BPG003,BPG012).",
)
@click.option(
    "--color/--no-color",
    "colour",
    default=None,
    help="Default: on a terminal only; NO_COLOR turns it off, FORCE_COLOR on.",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here.")
@click.option(
    "--dependency-build",
    is_flag=True,
    help="Run `helm dependency build` in each chart first (writes charts/).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Never reach the network: skip the dependency build, any Kustomize build that "
    "fetches a remote resource, and the renders of a chart whose values schema refers to a "
    "remote schema; the guards that need them are reported as skipped.",
)
@click.option(
    "--since",
    metavar="REF",
    help="Lint only the Blueprints changed since REF (as `changed` lists them), check "
    "that each changed chart's version went up (BPS007), that no field an upgrade "
    "cannot change did (BPG019), and that its crds/ did not (BPG020, BPG021): no "
    "upgrade applies them.",
)
@options.kube_version
@options.schema_locations
@click.option(
    "--values",
    "values_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Also render each chart with these values and check what it renders (BPG012), "
    "after its ci/*values.yaml files (repeatable).",
)
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    fail_on: str | None,
    select: tuple[str, ...],
    colour: bool | None,
    jobs: int,
    output: Path | None,
    dependency_build: bool,
    offline: bool,
    since: str | None,
    kube_version: str | None,
    schema_locations: tuple[Path, ...],
    values_paths: tuple[Path, ...],
) -> None:
    """Lint Blueprints: a Blueprint dir, a catalog dir, or files inside Blueprints."""
    from blueprintc.cli.colour import use_colour
    from blueprintc.lint import UsageError
    from blueprintc.lint import lint as run_lint
    from blueprintc.repopath import from_repository_root
    from blueprintc.reporters import reporter

    select = tuple(rule_id.strip() for given in select for rule_id in given.split(","))
    unknown = sorted(set(select) - set(RULES))
    if unknown:
        shown = ", ".join(rule_id or "'' (empty)" for rule_id in unknown)
        raise click.UsageError(f"unknown rule id(s): {shown}; `blueprintc explain` lists them")
    started = time.perf_counter()
    schemas = _schema_settings(paths, kube_version, schema_locations, values_paths)
    selected, extra, upgrades = list(paths), None, None
    if since is not None:
        selected, extra, upgrades = _since(since, selected, offline, dependency_build)
    try:
        if selected is None:  # nothing changed since the ref: nothing to lint
            from blueprintc.lint import LintResult
            from blueprintc.workspace import find_root

            start = paths[0] if paths else Path.cwd()
            result = LintResult(root=find_root(start), fail_on=Severity.ERROR)
        else:
            result = run_lint(
                selected,
                fail_on=Severity.parse(fail_on) if fail_on else None,
                select=set(select) or None,
                jobs=jobs,
                build_dependencies=dependency_build,
                offline=offline,
                extra=extra,
                schemas=schemas,
            )
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if upgrades is not None:
        result = _with_upgrades(result, upgrades, set(select) or None)
    result = from_repository_root(result)  # where CI attaches annotations
    # A report file gets colour only when asked for by the flag.
    with_colour = use_colour(sys.stdout, colour) if output is None else bool(colour)
    report = reporter(output_format)(result, with_colour)
    if output_format == "text" and verbosity.quiet():  # the findings, no summary line
        from blueprintc.reporters.text import render_diagnostics

        report = render_diagnostics(result, with_colour)
    if output is not None:
        from blueprintc.emit.fsutil import LinkInPath, write_file

        try:
            # a link at `output` is replaced, never followed
            write_file(output, report.encode("utf-8"), parents=False)
        except OSError as exc:
            why = (
                str(exc)
                if isinstance(exc, LinkInPath)
                else f"cannot write {output}: {exc.strerror}"
            )
            raise click.BadParameter(why, param_hint="'-o' / '--output'") from None
    else:
        click.echo(report, nl=False, color=with_colour)  # else click strips it off a pipe
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY", "")
    if output_format == "github" and summary_file:
        _append_step_summary(Path(summary_file), result)
    if verbosity.verbose():
        for name in result.blueprints:
            click.echo(f"linted {name}", err=True)
        seconds = time.perf_counter() - started
        click.echo(
            f"{len(result.blueprints)} Blueprint(s) in {seconds:.2f} s, {jobs} job(s)", err=True
        )
    sys.exit(result.exit_code)


def _schema_settings(
    paths: tuple[Path, ...],
    kube_version: str | None,
    schema_locations: tuple[Path, ...],
    values_paths: tuple[Path, ...],
) -> SchemaSettings:
    """The rendered objects' check settings; a Kubernetes version whose schemas are not
    carried, a schema location or a values file that cannot be read: exit 2."""
    from blueprintc.lint import SchemaSettings
    from blueprintc.rules.guards.rendered_objects import read_values_file
    from blueprintc.workspace import find_root

    root = find_root(paths[0] if paths else Path.cwd())
    options.check_kube_version(kube_version, root)
    options.check_schema_locations(schema_locations, root)
    values = []
    for path in values_paths:
        try:
            values.append((str(path), read_values_file(path)))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--values'") from None
    return SchemaSettings(kube_version, tuple(p.resolve() for p in schema_locations), tuple(values))


def _append_step_summary(path: Path, result: LintResult) -> None:
    """Append the Markdown summary to the file the Actions runner shows on the run page."""
    from blueprintc.reporters.github import step_summary

    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(step_summary(result))
    except OSError as exc:
        click.echo(
            f"error: cannot write the step summary to {path} ($GITHUB_STEP_SUMMARY): "
            f"{exc.strerror}; unset it or make the file writable",
            err=True,
        )
        sys.exit(2)


@click.command()
@click.argument("rule_id", required=False)
@options.output_format("json: the rules (or the one asked for) as one document (formatVersion 1).")
def explain(rule_id: str | None, output_format: str) -> None:
    """Show a rule's rationale, examples and fix; without an id, list every rule."""
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        chosen = list(RULES.values()) if rule_id is None else [RULES.get(rule_id.upper())]
        if None in chosen:
            raise click.UsageError(f"unknown rule id {rule_id!r}; `blueprintc explain` lists them")
        rules = [
            {
                "id": r.id,
                "name": r.name,
                "family": r.family,
                "severity": r.severity.label,
                "summary": r.summary,
                "fix": r.hint,
                "doc": r.doc,
            }
            for r in chosen
            if r is not None
        ]
        click.echo(json_document("explain", {"rules": rules}), nl=False)
        return
    if rule_id is None:
        for rule in RULES.values():
            click.echo(f"{rule.id}  {rule.severity.label:<7}  {rule.name:<28} {rule.summary}")
        return
    rule = RULES.get(rule_id.upper())
    if rule is None:
        raise click.UsageError(f"unknown rule id {rule_id!r}; `blueprintc explain` lists them")
    click.echo(f"{rule.id} {rule.name} ({rule.family}, default severity {rule.severity.label})")
    click.echo("")
    click.echo(rule.doc or rule.summary)
    click.echo("")
    click.echo(f"Fix: {rule.hint}")


def _since(
    since: str, paths: list[Path], offline: bool = False, build_dependencies: bool = False
) -> tuple[list[Path] | None, list[Any], Callable[[], Any] | None]:
    """The Blueprint directories changed since `since` (those under `paths`, when given;
    None when there are none), their BPS007 findings (no version bump), and what works
    out their upgrade findings against the base once lint has run (BPG019, an immutable
    field changed; BPG020 and BPG021, crds/ an upgrade does not apply); a bad ref is a
    usage error."""
    from blueprintc.build.changed import changed_in, compare
    from blueprintc.build.errors import BuildError
    from blueprintc.build.upgrades import upgrade_findings
    from blueprintc.build.version_bump import unbumped

    try:
        comparison = compare(paths[0] if paths else Path.cwd(), since)
    except BuildError as exc:
        raise click.UsageError(str(exc)) from None
    changed = [comparison.top / c.path for c in changed_in(comparison).blueprints]
    given = [p.resolve() for p in paths]
    if given:
        changed = [d for d in changed if any(d == g or g in d.parents for g in given)]
    names = set(changed)
    found = [f for f in unbumped(comparison) if _blueprint_dir(comparison, f) in names]
    if not changed:
        return None, found, None
    return (
        changed,
        found,
        lambda: (
            comparison.workspace,
            upgrade_findings(comparison, offline, names, build_dependencies),
        ),
    )


def _with_upgrades(result: Any, upgrades: Callable[[], Any], select: set[str] | None) -> Any:
    """`result` with `lint --since`'s upgrade findings, worked out after lint: its
    `--dependency-build` has then built the changed charts' gitignored `charts/`, which
    the charts at the base borrow, so an upstream's objects compare too."""
    import dataclasses

    from blueprintc.diagnostics import sorted_diagnostics
    from blueprintc.lint import finalise

    workspace, found = upgrades()
    if not found:
        return result
    merged = [*result.diagnostics, *finalise(found, workspace, select)]
    return dataclasses.replace(result, diagnostics=sorted_diagnostics(merged))


def _blueprint_dir(comparison: Any, finding: Any) -> Path:
    """The Blueprint directory a BPS007 finding (at its blueprint.yaml) is about."""
    return (comparison.workspace.root / finding.location.file).parent
