"""What a compile run hands back to the CLI, and the check of every planned object."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from blueprintc import progress
from blueprintc.diagnostics import Diagnostic, Finding, Location, Severity, failing
from blueprintc.emit.manifest import top_owner

if TYPE_CHECKING:  # a sealed compile builds an outcome without loading the planner
    from blueprintc.compile.planner import CompileResult
    from blueprintc.emit.manifest import Manifest
    from blueprintc.emit.model import EmitReport, OutputFile
    from blueprintc.validate.references import Unresolved


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
    checked against its schema before anything is written. Files a compile worker
    planned were counted and checked there (`result.checked`), in the same order."""
    outcome = CompileOutcome(result, list(result.diagnostics), files=result.files)
    outcome.fail_on = result.inputs.workspace.fail_on
    if result.inputs.sovereign is not None:
        outcome.workspace_name = result.inputs.sovereign.name
    checker = FileChecker(result, validate)
    # The schema check of planned objects is a net under the input rules, like the
    # references check below: when an input rule already fails the compile (an
    # Organization without `regions`), what was planned from that input is invalid
    # for the reason it gives, and a BPC001 at out/ would only repeat it.
    net = not failing(outcome.diagnostics, outcome.fail_on)
    name = "validate files" if validate else "count objects"
    with progress.phase(name, len(result.files)) as step:
        for file in result.files:
            step()
            kinds, found = result.checked.get(file.path) or checker.check(file)
            outcome.kinds.extend(kinds)
            if net:
                outcome.diagnostics.extend(found)
    if validate and not failing(outcome.diagnostics, outcome.fail_on):
        # the net under the plan rules: run when they found nothing (else they say why)
        outcome.diagnostics.extend(_unresolved(result))
    return outcome


class FileChecker:
    """Counts a planned file's objects and (if `validate`) checks each against its
    schema: the Kubernetes version's, or the workspace's schemaLocations'."""

    def __init__(self, result: CompileResult, validate: bool) -> None:
        # Imported once here, not per file (a compile checks 190,000 at N = 1000).
        from blueprintc.lint import make_diagnostic
        from blueprintc.rules.output_rules import EMITTED_OBJECT_SCHEMA
        from blueprintc.validate.objects import validate_object

        self.validate = validate
        self.version = result.inputs.workspace.kubernetes_version
        self.extra = None
        if validate and result.inputs.workspace.schema_locations:
            from blueprintc.validate.extra_schemas import load_locations

            self.extra = load_locations(result.inputs.workspace.schema_locations)
        self._diagnostic = functools.partial(make_diagnostic, EMITTED_OBJECT_SCHEMA)
        self._validate_object = validate_object

    def check(self, file: OutputFile) -> tuple[list[str], list[Diagnostic]]:
        """The kinds of the file's objects, and a BPC001 per schema error."""
        kinds: list[str] = []
        found: list[Diagnostic] = []
        for document in file.documents:
            if not isinstance(document, dict) or not document.get("kind"):
                continue
            if document.get("apiVersion", "").startswith("kustomize.config.k8s.io"):
                continue
            kinds.append(str(document["kind"]))
            if not self.validate:
                continue
            for message in self._validate_object(
                document, kubernetes_version=self.version, extra=self.extra
            ):
                finding = Finding(
                    f"invalid {document['kind']} planned: {message}",
                    Location(f"out/{file.path}", 1, 1),
                )
                found.append(self._diagnostic(finding))
        return kinds, found


def reference_part(owner: str) -> str:
    """Which part of the tree the references check walks a file with: its Organization
    (an Organization's clusters apply only its own files), or the Sovereign-wide part
    (host clusters: the kit and the catalyst-config index, whose Organization entries
    hold no references)."""
    top = top_owner(owner)
    return "" if top.startswith("@") else top


def part_references(
    result: CompileResult,
    fresh: Mapping[str, Sequence[Any]],
    paths: set[str],
    shared: set[str],
) -> list[Unresolved]:
    """The unresolved references of one part's freshly planned files (path -> documents);
    `paths`: every path of the part, `shared`: the Sovereign-wide part's paths."""
    from blueprintc.validate.references import unresolved_references

    sovereign = result.inputs.sovereign
    source = sovereign.kit_settings.source if sovereign is not None else "flux-system"
    return unresolved_references(fresh, paths | shared, source)


def _unresolved(result: CompileResult) -> list[Diagnostic]:
    """BPC003 for the references of the freshly planned files (see validate.references),
    one per file and reference, naming the clusters. Each part is walked alone (see
    `reference_part`), as a compile worker walks the Organizations it planned."""
    from blueprintc.lint import make_diagnostic
    from blueprintc.rules.output_rules import UNRESOLVED_REFERENCE

    parts: dict[str, dict[str, Sequence[Any]]] = {}
    part_paths: dict[str, set[str]] = {}
    for f in result.files:
        part = reference_part(f.owner)
        part_paths.setdefault(part, set()).add(f.path)
        if f.build is None and f.data is None:
            parts.setdefault(part, {})[f.path] = f.documents
    shared = part_paths.get("", set())
    problems = [p for found in result.references.values() for p in found]
    for part, fresh in parts.items():
        problems.extend(part_references(result, fresh, part_paths[part], shared))
    problems.sort(key=lambda u: (u.file, u.message, u.cluster))
    clusters: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        clusters.setdefault((problem.file, problem.message), []).append(problem.cluster)
    found = []
    for (file, message), names in clusters.items():
        where = names[0] if len(names) == 1 else f"{len(names)} clusters ({', '.join(names[:3])}"
        where += "" if len(names) <= 3 else f" and {len(names) - 3} more"
        where += "" if len(names) == 1 else ")"
        finding = Finding(f"{message} (on {where})", Location(f"out/{file}", 1, 1))
        found.append(make_diagnostic(UNRESOLVED_REFERENCE, finding))
    return found
