"""`lint(paths) -> LintResult`: load, check, and collect diagnostics. No printing."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc import helm
from blueprintc.canon import default_canon
from blueprintc.collector import collector_paused
from blueprintc.diagnostics import Diagnostic, Finding, Location, Severity, sorted_diagnostics
from blueprintc.kustomize_files import KUSTOMIZATION_FILES
from blueprintc.model.blueprint import Blueprint, normalise
from blueprintc.rules import RULES, Rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guarded import GuardedContext, Refused, preload
from blueprintc.source import InputError, SourceFile, read_source
from blueprintc.suppression import apply_config, inline_suppresses, tolerance
from blueprintc.threadpool import thread_pool
from blueprintc.workspace import (
    BLUEPRINT_FILE,
    Workspace,
    discover,
    find_root,
    has_blueprint_file,
    load_workspace,
)
from blueprintc.yamldoc import YamlDoc, load_yaml

# From this many Blueprints on, lint runs them in the Helm workers (`lint_jobs`): a
# worker's first lint job imports the rules there (about 0.23 s of CPU), which is won
# back only past this many. Cold `blueprintc lint`, median of 5, threads -> workers:
# 32 Blueprints 0.78 -> 0.86 s, 50 1.07 -> 1.08 s, 100 1.58 -> 1.44 s, 200 2.65 -> 2.08 s.
WORKERS_FROM = 48


class UsageError(Exception):
    """Bad arguments (exit 2), as opposed to findings in the files (exit 1)."""


@dataclass
class LintResult:
    root: Path
    fail_on: Severity
    blueprints: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def active(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.suppressed is None]

    @property
    def exit_code(self) -> int:
        return 1 if any(d.severity >= self.fail_on for d in self.active) else 0


def lint(
    paths: list[Path],
    *,
    root: Path | None = None,
    fail_on: Severity | None = None,
    select: set[str] | None = None,
    jobs: int = 2,
    build_dependencies: bool = False,
    offline: bool = False,
    extra: list[Diagnostic] | None = None,
    schemas: SchemaSettings | None = None,
    in_workers: bool | None = None,
) -> LintResult:
    """Lint the Blueprints the paths select (see `workspace.discover`).

    `root` fixes the workspace root; by default it is found from the first path.
    `extra`: findings made outside the per-Blueprint rules (`--since`'s BPS007),
    reported under the same settings and inline comments. `schemas`: the command
    line's Kubernetes version, schema locations and values files for the rendered
    objects' check (BPG012), over blueprintc.yaml's. `in_workers`: lint each Blueprint
    inside a Helm worker process (`lint_jobs`) or in this process's threads; by default
    the workers from `WORKERS_FROM` Blueprints on, with more than one job.
    """
    with collector_paused():
        return _lint(
            paths,
            root,
            fail_on,
            select,
            jobs,
            build_dependencies,
            offline,
            extra or [],
            schemas or SchemaSettings(),
            in_workers,
        )


@dataclass(frozen=True)
class SchemaSettings:
    """lint's `--kube-version`, `--schema-location` and `--values` (BPG012)."""

    kube_version: str | None = None
    schema_locations: tuple[Path, ...] = ()  # after blueprintc.yaml's schemaLocations
    values_files: tuple[tuple[str, dict[str, Any]], ...] = ()  # (as given, values)

    def apply(self, workspace: Workspace) -> Workspace:
        if self.kube_version is None and not self.schema_locations:
            return workspace
        return dataclasses.replace(
            workspace,
            kubernetes_version=self.kube_version or workspace.kubernetes_version,
            schema_locations=workspace.schema_locations + self.schema_locations,
        )


def _lint(
    paths: list[Path],
    root: Path | None,
    fail_on: Severity | None,
    select: set[str] | None,
    jobs: int,
    build_dependencies: bool,
    offline: bool = False,
    extra: list[Diagnostic] | None = None,
    schemas: SchemaSettings | None = None,
    in_workers: bool | None = None,
) -> LintResult:
    schemas = schemas or SchemaSettings()
    root = root.resolve() if root else find_root(paths[0] if paths else Path.cwd())
    diagnostics: list[Diagnostic] = list(extra or [])
    try:
        workspace = load_workspace(root)
    except InputError as exc:
        diagnostics.append(diagnostic_from_input(exc))
        workspace = Workspace(root=root, canon=default_canon())
    workspace = schemas.apply(workspace)
    try:
        dirs = discover(paths, workspace)
    except InputError as exc:
        raise UsageError(
            f"{exc.message}\n  = help: {exc.hint}" if exc.hint else exc.message
        ) from None
    dirs.extend(d for d in _users_of_loose_files(paths, dirs, workspace) if d not in dirs)
    rules = [r for r in RULES.values() if r.check and (select is None or r.id in select)]
    helm.warm(min(jobs, len(dirs)))

    def classic(directory: Path, render_jobs: int = 1) -> list[Diagnostic]:
        return lint_blueprint(
            directory,
            workspace,
            rules,
            build_dependencies,
            offline,
            schemas.values_files,
            render_jobs,
        )

    if in_workers is None:
        in_workers = jobs > 1 and len(dirs) >= WORKERS_FROM
    if in_workers and not build_dependencies:  # `helm dependency build` stays here
        from blueprintc.lint_jobs import Session, lint_in_workers  # not a hook's start-up

        session = Session(workspace, tuple(r.id for r in rules), offline, schemas.values_files)
        for found in lint_in_workers(dirs, session, jobs, classic):
            diagnostics.extend(found)
    else:
        # Jobs no Blueprint takes go to its renders: a pre-commit lint of one chart
        # renders on both Helm workers.
        spare = max(1, jobs // max(1, len(dirs)))
        with thread_pool(max(1, jobs)) as pool:
            for found in pool.map(lambda directory: classic(directory, spare), dirs):
                diagnostics.extend(found)
    return LintResult(
        root=root,
        fail_on=fail_on or workspace.fail_on,
        blueprints=[workspace.rel(d) for d in dirs],
        diagnostics=finalise(diagnostics, workspace, select),
    )


def _users_of_loose_files(paths: list[Path], dirs: list[Path], workspace: Workspace) -> list[Path]:
    """A changed file in no Blueprint (a vendored upstream chart's, as the pre-commit hook
    passes it) selects the Blueprints whose chart depends on its chart directory."""
    selected = [d.resolve() for d in dirs]
    loose = [
        p for p in paths if p.is_file() and not any(d in p.resolve().parents for d in selected)
    ]
    if not loose:
        return []
    from blueprintc.chartsources import users_of

    return users_of(loose, workspace)


def load_blueprint(
    directory: Path, workspace: Workspace, read: Callable[[Path], SourceFile] | None = None
) -> Blueprint:
    """The Blueprint in `directory`; `read` reads its blueprint.yaml (default: the safe
    source layer directly; compile passes the reader that fingerprints its inputs)."""
    path = directory / BLUEPRINT_FILE
    source = (
        read(path)
        if read is not None
        else read_source(path, workspace.root, workspace.max_file_bytes)
    )
    doc = load_yaml(source, tolerance(workspace))  # its tolerated findings: doc.findings
    return normalise(doc, directory, workspace.rel(directory))


def _unlisted_blueprint(directory: Path, workspace: Workspace) -> tuple[Blueprint, Diagnostic]:
    """A directory with a chart/ or manifests/ and no blueprint.yaml: guarded for its chart
    (an empty manifest stands in), with BPI010 at its Chart.yaml or manifests/."""
    rel = workspace.rel(directory)
    empty = SourceFile(directory / BLUEPRINT_FILE, f"{rel}/{BLUEPRINT_FILE}", "")
    blueprint = dataclasses.replace(normalise(YamlDoc(empty, None), directory, rel), has_file=False)
    chart = directory / "chart" / "Chart.yaml"
    if chart.is_file():
        what, where = "a chart (chart/Chart.yaml)", workspace.rel(chart)
    else:
        manifests = directory / "manifests"
        files = [manifests / name for name in KUSTOMIZATION_FILES]
        what = "Kustomize manifests (manifests/)"
        where = workspace.rel(next((f for f in files if f.is_file()), manifests))
    message = (
        f"{rel} has {what} but no {BLUEPRINT_FILE}: the catalog cannot publish it, "
        "yet its chart is built and guarded"
    )
    hint = (
        f"add {rel}/{BLUEPRINT_FILE} (kind: Blueprint, metadata.name bp-{directory.name}, "
        "spec.version), or move the directory out of the catalog"
    )
    finding = Finding(message, Location(where, 1, 1), hint)
    return blueprint, make_diagnostic(RULES["BPI010"], finding)


def lint_blueprint(
    directory: Path,
    workspace: Workspace,
    rules: list[Rule],
    build_dependencies: bool = False,
    offline: bool = False,
    values_files: tuple[tuple[str, dict[str, Any]], ...] = (),
    render_jobs: int = 1,
) -> list[Diagnostic]:
    """The Blueprint's diagnostics; `render_jobs`: how many of its renders may be made
    at once (`BlueprintContext.render_all`)."""
    out: list[Diagnostic] = []
    if has_blueprint_file(directory):
        try:
            blueprint = load_blueprint(directory, workspace)
        except InputError as exc:
            return [diagnostic_from_input(exc)]
        out.extend(diagnostic_from_input(exc) for exc in blueprint.doc.findings)
    else:
        blueprint, unlisted = _unlisted_blueprint(directory, workspace)
        out.append(unlisted)
    problem = _manifest_problem(blueprint, workspace)
    if problem is not None:
        out.append(problem)
        if problem.rule == "BPI006":  # never read a chart outside the workspace
            blueprint = dataclasses.replace(blueprint, manifest_kind=None, manifest_dir=None)
        rules = [r for r in rules if r.id.startswith(("BPS", "BPN", "BPD", "BPT"))]
    context = GuardedContext(
        workspace, blueprint, build_dependencies, offline, values_files, render_jobs
    )
    try:
        out.extend(diagnostic_from_input(exc) for exc in preload(context))
        out.extend(_helm_preflight(context))
        for rule in rules:
            assert rule.check is not None
            try:
                for finding in rule.check(context):
                    out.append(make_diagnostic(rule, finding))
            except InputError as exc:
                out.append(diagnostic_from_input(exc))
            except helm.ChartLoadError:
                continue  # reported once by the chart-metadata rule
            except helm.HelmAborted as exc:
                out.append(_helm_aborted(context, exc))  # the same for every rule: kept once
            except Refused:
                continue  # the refused file is reported; Helm does not get to read it
    finally:
        context.close()
    out.extend(diagnostic_from_input(exc) for exc in context.tolerated.values())
    return out


def _helm_preflight(context: GuardedContext) -> list[Diagnostic]:
    """Load the chart and render its defaults (what the guards render first, so this
    costs nothing more when they run): a chart over Helm's budget is reported whichever
    rules run."""
    if context.chart_dir is None or context.refused or not context.chart_dir.is_dir():
        return []
    if not context.may_render:
        return []  # Helm would fetch a remote schema (BPG011 says so)
    try:
        context.render(None)
    except helm.HelmAborted as exc:
        return [_helm_aborted(context, exc)]
    except helm.ChartLoadError:
        pass  # reported by the chart-metadata rule
    return []


def _helm_aborted(context: BlueprintContext, exc: helm.HelmAborted) -> Diagnostic:
    """Helm ran over its budget loading or rendering the chart: reported at Chart.yaml."""
    assert context.chart_dir is not None
    chart = context.rel(context.chart_dir)
    what = {
        "time": "loops too long (a `range` over a huge list, `until`, `repeat`?)",
        "memory": "builds too much in memory (`repeat`, huge values?)",
        "output": "renders too much output",
        "crash": "crashed Helm",
    }[exc.reason]
    message = f"{exc.message} on the chart {chart}: it {what}"
    return make_diagnostic(RULES["BPI011"], Finding(message, Location(f"{chart}/Chart.yaml", 1, 1)))


def _manifest_problem(blueprint: Blueprint, workspace: Workspace) -> Diagnostic | None:
    """BPI008 when the chart or manifests directory is missing, BPI006 when it is outside."""
    manifest_dir = blueprint.manifest_dir
    line, column = blueprint.doc.locate(blueprint.manifest_path)
    location = Location(blueprint.rel, line, column, "spec.manifests")
    name = blueprint.name or blueprint.dir.name
    if blueprint.manifest_kind is None or manifest_dir is None:
        message = f"Blueprint {name} has neither a chart/ nor a manifests/ directory"
        return make_diagnostic(RULES["BPI008"], Finding(message, location))
    if not workspace.real(manifest_dir).is_relative_to(workspace.root):
        message = f"Blueprint {name}: {workspace.rel(manifest_dir)} is outside the workspace"
        hint = "keep the chart or manifests inside the workspace (the blueprintc.yaml directory)"
        return make_diagnostic(RULES["BPI006"], Finding(message, location, hint))
    if not manifest_dir.is_dir():
        message = f"Blueprint {name}: {workspace.rel(manifest_dir)} does not exist"
        return make_diagnostic(RULES["BPI008"], Finding(message, location))
    return None


def make_diagnostic(rule: Rule, finding: Finding) -> Diagnostic:
    return Diagnostic(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        message=finding.message,
        location=finding.location,
        hint=finding.hint or rule.hint,
    )


def diagnostic_from_input(exc: InputError) -> Diagnostic:
    rule = RULES[exc.rule]
    return make_diagnostic(
        rule, Finding(exc.message, Location(exc.path, exc.line, exc.column), exc.hint or None)
    )


def finalise(
    diagnostics: list[Diagnostic], workspace: Workspace, select: set[str] | None
) -> list[Diagnostic]:
    """Deduplicate, apply workspace config and inline comments, sort."""
    unique = {(d.rule, d.location, d.message): d for d in diagnostics}.values()
    lines: dict[str, list[str]] = {}
    result = []
    for diagnostic in unique:
        if select is not None and diagnostic.rule not in select:
            continue
        diagnostic = apply_config(_relative_paths(diagnostic, workspace.root), workspace)
        if diagnostic.suppressed is None and _inline(diagnostic, workspace, lines):
            diagnostic = dataclasses.replace(diagnostic, suppressed="inline")
        result.append(diagnostic)
    return sorted_diagnostics(result)


def _relative_paths(diagnostic: Diagnostic, root: Path) -> Diagnostic:
    """Workspace paths in messages (Helm's and kustomize's errors name absolute ones)
    made relative, so reports are the same on every machine."""
    prefix = f"{root}{os.sep}"
    if prefix not in diagnostic.message and prefix not in diagnostic.hint:
        return diagnostic
    return dataclasses.replace(
        diagnostic,
        message=diagnostic.message.replace(prefix, ""),
        hint=diagnostic.hint.replace(prefix, ""),
    )


def _inline(diagnostic: Diagnostic, workspace: Workspace, cache: dict[str, list[str]]) -> bool:
    rel = diagnostic.location.file
    if rel not in cache:
        try:
            cache[rel] = read_source(
                workspace.root / rel, workspace.root, workspace.max_file_bytes
            ).lines
        except (InputError, OSError):
            cache[rel] = []
    lines = cache[rel]
    line = diagnostic.location.line
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    previous = lines[line - 2] if 1 < line <= len(lines) + 1 else ""
    return inline_suppresses(diagnostic.rule, current, previous)
