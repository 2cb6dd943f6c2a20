"""What a compile run hands back to the CLI, and the check of every planned object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blueprintc import progress
from blueprintc.diagnostics import Diagnostic, Finding, Location, Severity, failing

if TYPE_CHECKING:  # a sealed compile builds an outcome without loading the planner
    from blueprintc.compile.planner import CompileResult
    from blueprintc.emit.manifest import Manifest
    from blueprintc.emit.model import EmitReport, OutputFile


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
    # The partial path's: the manifest entries of the re-planned owners before it ran.
    replaced: Manifest | None = None
    # Owners re-planned when only they changed (the rest of out/ provably untouched).
    patched: tuple[str, ...] | None = None
    fail_on: Severity = Severity.ERROR  # the workspace's lint.failOn

    @property
    def failing(self) -> list[Diagnostic]:
        """The findings that stop the compile (the others, warnings or suppressed ones,
        are reported and the tree is written)."""
        return failing(self.diagnostics, self.fail_on)


def outcome_of(result: CompileResult, validate: bool) -> CompileOutcome:
    """The outcome of a plan, with every planned object counted and (if `validate`)
    checked against its schema before anything is written."""
    from blueprintc.lint import make_diagnostic
    from blueprintc.rules.output_rules import EMITTED_OBJECT_SCHEMA
    from blueprintc.validate.objects import validate_object

    outcome = CompileOutcome(result, list(result.diagnostics), files=result.files)
    outcome.fail_on = result.inputs.workspace.fail_on
    if result.inputs.sovereign is not None:
        outcome.workspace_name = result.inputs.sovereign.name
    extra = None
    if validate and result.inputs.workspace.schema_locations:
        from blueprintc.validate.extra_schemas import load_locations

        extra = load_locations(result.inputs.workspace.schema_locations)
    name = "validate files" if validate else "count objects"
    with progress.phase(name, len(result.files)) as step:
        for file in result.files:
            step()
            for document in file.documents:
                if not isinstance(document, dict) or not document.get("kind"):
                    continue
                if document.get("apiVersion", "").startswith("kustomize.config.k8s.io"):
                    continue
                outcome.kinds.append(str(document["kind"]))
                if not validate:
                    continue
                version = result.inputs.workspace.kubernetes_version
                for message in validate_object(document, kubernetes_version=version, extra=extra):
                    finding = Finding(
                        f"invalid {document['kind']} planned: {message}",
                        Location(f"out/{file.path}", 1, 1),
                    )
                    outcome.diagnostics.append(make_diagnostic(EMITTED_OBJECT_SCHEMA, finding))
    if validate and not failing(outcome.diagnostics, outcome.fail_on):
        # the net under the plan rules: run when they found nothing (else they say why)
        outcome.diagnostics.extend(_unresolved(result))
    return outcome


def _unresolved(result: CompileResult) -> list[Diagnostic]:
    """BPC003 for the references of the freshly planned files (see validate.references),
    one per file and reference, naming the clusters."""
    from blueprintc.lint import make_diagnostic
    from blueprintc.rules.output_rules import UNRESOLVED_REFERENCE
    from blueprintc.validate.references import unresolved_references

    sovereign = result.inputs.sovereign
    source = sovereign.kit_settings.source if sovereign is not None else "flux-system"
    fresh = {f.path: f.documents for f in result.files if f.build is None}
    paths = {f.path for f in result.files}
    clusters: dict[tuple[str, str], list[str]] = {}
    for problem in unresolved_references(fresh, paths, source):
        clusters.setdefault((problem.file, problem.message), []).append(problem.cluster)
    found = []
    for (file, message), names in clusters.items():
        where = names[0] if len(names) == 1 else f"{len(names)} clusters ({', '.join(names[:3])}"
        where += "" if len(names) <= 3 else f" and {len(names) - 3} more"
        where += "" if len(names) == 1 else ")"
        finding = Finding(f"{message} (on {where})", Location(f"out/{file}", 1, 1))
        found.append(make_diagnostic(UNRESOLVED_REFERENCE, finding))
    return found
