"""Compile end to end: plan, validate what would be emitted, emit (or check, or diff)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from blueprintc.compile.inputs import fingerprint, setting, sovereign_name
from blueprintc.compile.planner import CompileResult, compile_workspace
from blueprintc.diagnostics import Diagnostic, Finding, Location
from blueprintc.emit import EmitReport, OutputFile, diff, emit, is_sealed
from blueprintc.emit.manifest import Manifest
from blueprintc.lint import make_diagnostic
from blueprintc.plan.values import KeySyntaxError, format_key, parse_key
from blueprintc.rules.output_rules import EMITTED_OBJECT_SCHEMA
from blueprintc.validate.objects import validate_object
from blueprintc.workspace import load_workspace

# Top-level dirs of out/ that other commands own: publish's OCI layout, build records,
# bare Git repos. Compile never plans, rewrites or prunes them.
NOT_COMPILED = ("oci", "build", "git")


@dataclass
class CompileOutcome:
    result: CompileResult | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    report: EmitReport | None = None
    files: list[OutputFile] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    workspace_name: str = ""
    out_rel: str = "out"
    sealed: int | None = None  # files of an untouched out/ when nothing was re-planned
    previous: Manifest | None = None  # out/'s manifest, as the planner read it


def out_dir(root: Path, out: Path | None) -> Path:
    if out is not None:
        return out if out.is_absolute() else Path.cwd() / out
    return root / setting(load_workspace(root), "out", "out")


def plan(root: Path, validate: bool = True, out: Path | None = None) -> CompileOutcome:
    """Plan (incrementally against `out`'s manifest when given) and validate new objects."""
    previous = Manifest.load(out) if out is not None and out.is_dir() else None
    result = compile_workspace(root, previous)
    outcome = CompileOutcome(result, list(result.diagnostics), files=result.files)
    outcome.previous = previous
    if result.inputs.sovereign is not None:
        outcome.workspace_name = result.inputs.sovereign.name
    for file in result.files:
        for document in file.documents:
            if isinstance(document, dict) and document.get("kind"):
                if document.get("apiVersion", "").startswith("kustomize.config.k8s.io"):
                    continue
                outcome.kinds.append(str(document["kind"]))
                if validate:
                    for message in validate_object(document):
                        outcome.diagnostics.append(
                            make_diagnostic(
                                EMITTED_OBJECT_SCHEMA,
                                Finding(
                                    f"invalid {document['kind']} planned: {message}",
                                    Location(f"out/{file.path}", 1, 1),
                                ),
                            )
                        )
    return outcome


def run_compile(
    root: Path,
    out: Path | None = None,
    check: bool = False,
    validate: bool = True,
    trust_stat: bool = True,
) -> CompileOutcome:
    target = out_dir(root, out)
    workspace = load_workspace(root)
    inputs_digest = fingerprint(workspace)
    if trust_stat:
        sealed = is_sealed(target, inputs_digest)
        if sealed is not None:  # same inputs, untouched tree: nothing to plan or write
            outcome = CompileOutcome(None, sealed=len(sealed), out_rel=_rel(target, root))
            outcome.workspace_name = sovereign_name(workspace)
            outcome.report = EmitReport(
                unchanged=tuple(sealed), strategy="check" if check else "noop"
            )
            return outcome
    outcome = plan(root, validate, target)
    outcome.out_rel = _rel(target, root)
    if outcome.diagnostics:
        return outcome
    outcome.report = emit(
        outcome.files,
        target,
        check=check,
        preserve=NOT_COMPILED,
        trust_stat=trust_stat,
        previous=outcome.previous,
        fingerprint=inputs_digest,
    )
    return outcome


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def run_diff(root: Path, out: Path | None = None) -> tuple[CompileOutcome, str]:
    target = out_dir(root, out)
    outcome = plan(root, validate=False, out=target)
    if outcome.diagnostics:
        return outcome, ""
    return outcome, diff(outcome.files, target, preserve=NOT_COMPILED)


def explain_value(root: Path, target: str, key: str) -> list[str]:
    """The value of `key` for `<org>/<app>/<env>`, where it was set, and what it overrode."""
    try:
        path = parse_key(key)
    except KeySyntaxError as exc:
        raise LookupError(f"bad key: {exc}") from None
    result = compile_workspace(root)
    plan = result.apps.get(target)
    if plan is None or plan.values is None:
        known = ", ".join(sorted(result.apps)) or "none"
        raise LookupError(f"no Application {target!r} (known: {known})")
    origins = plan.values.explain(path)
    if not origins:
        raise LookupError(f"{target} has no value at {key!r}")
    if origins[0].key != format_key(path):  # a scalar, list or null above the key
        top = origins[0]
        raise LookupError(
            f"{target} has no value at {key!r}: {top.key} is {top.value!r} "
            f"({top.layer} at {top.source}:{top.line}:{top.column})"
        )
    lines = []
    for index, origin in enumerate(origins):
        where = f"{origin.source}:{origin.line}:{origin.column}"
        if index == 0:
            lines.append(f"{key} = {origin.value!r}")
            lines.append(f"  set by {origin.layer} at {where}")
        else:
            lines.append(f"  overrides {origin.value!r} from {origin.layer} at {where}")
    return lines
