"""Load everything a compile reads: workspace, Sovereign, Organizations, catalog, overlays.

Input problems become diagnostics; loading goes on without the broken file.
Every Organization file is hashed, so an incremental compile can tell which
ones changed without parsing the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc import __version__
from blueprintc.blueprint_names import canonical
from blueprintc.chartsources import names_chart
from blueprintc.compile.blueprint_digest import blueprint_digests
from blueprintc.compile.chart_keys import chart_keys
from blueprintc.compile.findings import at, report, schema_reports, workspace_file_reports
from blueprintc.compile.helmvalues import organization_values, read_as_helm, sovereign_values
from blueprintc.compile.inputfiles import (
    INPUT_DIRS,
    input_dir,
    nested_organization_files,
    organization_files,
    setting,
    validation_context,
)
from blueprintc.compile.kit_manifests import ManifestDir, load_manifest_dirs
from blueprintc.compile.overlays import ambiguous_keys, unread_overlays
from blueprintc.compile.reads import InputReads, new_reads
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.lint import diagnostic_from_input, load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.model.organization import Organization, normalise_organization
from blueprintc.model.sovereign import Sovereign, normalise_sovereign
from blueprintc.rules.schema.chart_name import name_disagreement
from blueprintc.rules.schema.chart_version import disagreement
from blueprintc.schemas import BLUEPRINT_SCHEMA
from blueprintc.source import InputError, SourceFile
from blueprintc.suppression import tolerance
from blueprintc.workspace import Workspace, discover, has_blueprint_file
from blueprintc.yamldoc import YamlDoc, json_path, load_yaml

if TYPE_CHECKING:
    from blueprintc.promote.lock import LoadedLock


@dataclass
class CatalogEntry:
    """A Blueprint as compile needs it: model, chart defaults, size overlays, digest."""

    blueprint: Blueprint
    chart_name: str
    chart_values: YamlDoc | None
    size_overlays: dict[str, YamlDoc]
    digest: str
    # (message, fix) when blueprint.yaml and Chart.yaml give different versions (BPS006).
    version_disagreement: tuple[str, str] | None = None
    # The charts its chart vendors (Chart.yaml dependencies): (name, version).
    subcharts: tuple[tuple[str, str], ...] = ()
    # The chart's top-level value keys (chart_keys.py); None: not judged.
    chart_keys: frozenset[str] | None = None
    # What blueprintc.lock pins (identity_digest): its content, rebuilt charts aside.
    identity: str = ""
    # Its chart's Chart.yaml dependencies, as written.
    dependencies: tuple[dict[str, Any], ...] = ()
    # Its dependencies' own files and defaults, read when first asked (unread_config.py).
    upstream_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The canonical name, `bp-<name>`, however blueprint.yaml spells it."""
        return canonical(self.blueprint.name)

    @property
    def version(self) -> str:
        return self.blueprint.version or "0.0.0"

    @property
    def known_version(self) -> str | None:
        """The version its blueprint.yaml gives; None when it gives none (BPS001 says so,
        and no range is judged against a version nobody wrote)."""
        return self.blueprint.version or None


@dataclass
class Inputs:
    workspace: Workspace
    reads: InputReads
    sovereign: Sovereign | None = None
    organizations: list[Organization] = field(default_factory=list)
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    sovereign_overlay: YamlDoc | None = None
    env_overlays: dict[str, YamlDoc] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    shared_digest: str = ""
    kit_manifests: list[ManifestDir] = field(default_factory=list)
    organization_digests: dict[str, str] = field(default_factory=dict)
    lock: LoadedLock | None = None  # blueprintc.lock as read (None: not read)
    # Locked versions resolved so far: (name, version, digest) -> (entry, why not).
    locked_entries: dict[tuple[str, str, str], tuple[CatalogEntry | None, str]] = field(
        default_factory=dict
    )


def load_inputs(
    workspace: Workspace, organizations: bool = True, reads: InputReads | None = None
) -> Inputs:
    """Read and parse every input (through `reads`: a fingerprint taken with it has
    read most files already, and its bytes are the ones parsed here)."""
    inputs = Inputs(workspace=workspace, reads=reads or new_reads(workspace))
    shared = hashlib.sha256(f"blueprintc {__version__}\n".encode())
    for key in INPUT_DIRS:
        try:
            input_dir(workspace, key)
        except InputError as exc:
            inputs.diagnostics.append(diagnostic_from_input(exc))
    if workspace.doc is not None:  # less what BPI009 said of a directory, and better
        told = {_place(d) for d in inputs.diagnostics}
        found = workspace_file_reports(workspace.doc)
        inputs.diagnostics += [d for d in found if _place(d) not in told]
    sovereign_path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
    if not sovereign_path.exists() and not sovereign_path.is_symlink():
        rel = workspace.rel(sovereign_path)
        error = InputError(
            "BPI007",
            f"no Sovereign spec: {rel} does not exist",
            rel,
            hint="write it (schemas/sovereign.schema.json documents it) "
            "or name another file with `sovereign:` in blueprintc.yaml",
        )
        inputs.diagnostics.append(diagnostic_from_input(error))
    doc = _load(inputs, sovereign_path, shared, optional=True)
    if doc is not None and _has_content(inputs, doc, "Sovereign", "sovereign.schema.json"):
        inputs.diagnostics += sovereign_values(doc)
        inputs.sovereign = normalise_sovereign(doc)
    if inputs.sovereign is not None:
        inputs.kit_manifests, found = load_manifest_dirs(
            workspace, inputs.reads, inputs.sovereign, shared
        )
        inputs.diagnostics += found
    _load_catalog(inputs, shared)
    try:
        overlays = input_dir(workspace, "overlays")
    except InputError:
        overlays = None  # reported above
    if overlays is not None and inputs.sovereign is not None:
        inputs.sovereign_overlay = _load(
            inputs, overlays / "sovereigns" / f"{inputs.sovereign.name}.yaml", shared, True, True
        )
    env_dir = overlays / "environments" if overlays is not None else None
    for path in sorted(env_dir.glob("*.yaml")) if env_dir is not None and env_dir.is_dir() else []:
        overlay = _load(inputs, path, shared, values=True)
        if overlay is not None:
            inputs.env_overlays[path.stem] = overlay
    for overlay in (inputs.sovereign_overlay, *inputs.env_overlays.values()):
        inputs.diagnostics += ambiguous_keys(overlay)
    if workspace.canon.origin != "default canon":
        shared.update(repr(sorted(workspace.canon.data.items())).encode())
    shared.update(validation_context(workspace).encode())  # what carried files were checked by
    # and with which rule settings: a plan rule turned on, or its options changed
    # (BPP034's `served`), re-checks every owner, not only the changed ones
    shared.update(repr(sorted(workspace.rules.items(), key=lambda item: item[0])).encode())
    inputs.shared_digest = shared.hexdigest()
    from blueprintc.promote import lock as lockfile  # imports this module

    inputs.lock = lockfile.load(workspace.root, inputs.reads)
    inputs.diagnostics += inputs.lock.diagnostics
    inputs.diagnostics += unread_overlays(inputs, overlays)
    if organizations:
        for path in organization_files(workspace):
            load_organization(inputs, path)
    inputs.diagnostics += [_nested(workspace, p) for p in nested_organization_files(workspace)]
    report_refusals(inputs)
    return inputs


def _nested(workspace: Workspace, path: Path) -> Diagnostic:
    """BPP013 for an Organization spec in a subdirectory: not read, so compiling would
    remove that Organization's tree from out/ without a word."""
    folder = input_dir(workspace, "organizations")
    assert folder is not None  # it holds `path`
    top, rel = workspace.rel(folder), workspace.rel(path)
    return report(
        "BPP013",
        f"{rel} is not read: Organization specs are the files of {top}/ itself, not of "
        "its subdirectories",
        Location(rel, 1, 1),
        hint=f"move it to {top}/{path.name}, or out of {top}/ if it is no Organization",
    )


def _place(diagnostic: Diagnostic) -> tuple[str, int, int]:
    where = diagnostic.location
    return where.file, where.line, where.column


def report_refusals(inputs: Inputs) -> None:
    """Every file refused so far, by the plan or by the fingerprint (which reads files
    the plan never parses: a FIFO in overlays/ is reported all the same)."""
    inputs.diagnostics.extend(diagnostic_from_input(e) for e in inputs.reads.refusals)


def _has_content(inputs: Inputs, doc: YamlDoc, kind: str, schema: str) -> bool:
    """False, with one error, for a spec that holds no mapping (an empty or comment-only
    file, a list, a scalar): nothing in it can be planned or checked any further."""
    if isinstance(doc.data, dict):
        return True
    what, hint = f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind}", _spec_hint(kind, schema)
    held = "is empty" if doc.data is None else f"holds a {type(doc.data).__name__}, not a mapping"
    # An empty document's null stands after a `---` line, past a one-line file's end.
    where = Location(doc.source.rel, 1, 1) if doc.data is None else at(doc, ())
    inputs.diagnostics.append(
        report("BPP015", f"{doc.source.rel} {held}: it must hold {what} spec", where, hint)
    )
    return False


def _spec_hint(kind: str, schema: str) -> str:
    """What to write in an empty spec file: the keys its schema requires, with the values
    they take. An Organization file may also go (the Organization with it); the
    Sovereign spec may not: compile needs one."""
    from blueprintc.schemas import load_schema

    properties = load_schema(schema).get("properties", {})
    versions = properties.get("apiVersion", {}).get("enum") or ["catalyst.openova.io/v1alpha1"]
    required = properties.get("spec", {}).get("required", [])
    hint = (
        f"write the {kind} spec: `apiVersion: {versions[0]}`, `kind: {kind}`, "
        f"`metadata.name` and `spec` with {', '.join(required)} (schemas/{schema} "
        "documents every key)"
    )
    return hint if kind == "Sovereign" else f"{hint}; or delete the file if it is no {kind}"


def read_organization(inputs: Inputs, path: Path) -> SourceFile | None:
    """Read (not parse) an Organization file and record its digest."""
    try:
        source = inputs.reads.source(path)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    digest = inputs.reads.digest(path).hex()
    if inputs.lock is not None and inputs.lock.entries:
        digest += inputs.lock.digest_of(path.stem)  # what its gated Environments run
    inputs.organization_digests[source.rel] = digest
    return source


def parse_organization(inputs: Inputs, source: SourceFile) -> Organization | None:
    try:
        doc = parse(inputs, source)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    if not _has_content(inputs, doc, "Organization", "organization.schema.json"):
        return None
    inputs.diagnostics += organization_values(doc)
    organization = normalise_organization(doc)
    inputs.organizations.append(organization)
    return organization


def load_organization(inputs: Inputs, path: Path) -> Organization | None:
    source = read_organization(inputs, path)
    return None if source is None else parse_organization(inputs, source)


def _load(
    inputs: Inputs, path: Path, digest: Any, optional: bool = False, values: bool = False
) -> YamlDoc | None:
    """Read and parse `path` (None, reported, if refused); `values`: a values file,
    read as Helm reads it (helmvalues.py)."""
    if optional and not path.exists():
        return None
    try:
        source = inputs.reads.source(path)
        doc = parse(inputs, source)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    if values:
        inputs.diagnostics += read_as_helm(doc)
    digest.update(f"{source.rel}\n".encode())
    digest.update(source.text.encode())
    return doc


def _load_catalog(inputs: Inputs, shared: Any) -> None:
    workspace = inputs.workspace
    reads = inputs.reads
    missing = [d for d in workspace.blueprint_dirs if not (workspace.root / d).is_dir()]
    for name in missing:
        error = InputError(
            "BPI007",
            f"the Blueprint catalog directory {name}/ does not exist",
            name,
            hint="create it, or list the catalog dirs under `blueprints:` in blueprintc.yaml",
        )
        inputs.diagnostics.append(diagnostic_from_input(error))
    try:
        directories = (
            discover(
                [workspace.root / d for d in workspace.blueprint_dirs if d not in missing],
                workspace,
                empty_ok=True,
            )
            if len(missing) < len(workspace.blueprint_dirs)
            else []
        )
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return
    for directory in directories:
        if not has_blueprint_file(directory):
            continue  # a chart without blueprint.yaml is no catalog entry (lint: BPI010)
        entry = load_catalog_entry(inputs, directory, reads, shared)
        if entry is not None and entry.blueprint.name:
            _add(inputs, entry)


def load_catalog_entry(
    inputs: Inputs, directory: Path, reads: InputReads, shared: Any | None = None
) -> CatalogEntry | None:
    """The catalog entry of the Blueprint in `directory`, read through `reads` (the
    workspace's, or those of a locked version's published source); None, reported,
    when its blueprint.yaml does not load. `shared`: the digest of the shared inputs."""
    workspace = inputs.workspace
    try:
        blueprint = load_blueprint(directory, workspace, reads.source)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
        return None
    inputs.diagnostics.extend(diagnostic_from_input(e) for e in blueprint.doc.findings)
    # As lint checks it: `verison:` left the version unset, compiled as 0.0.0.
    inputs.diagnostics += schema_reports("BPS001", blueprint.doc, BLUEPRINT_SCHEMA)
    config_schema_reports(inputs, blueprint)
    inputs.diagnostics += read_as_helm(blueprint.doc, ("spec", "configSchema"))  # defaults
    digest, identity = blueprint_digests(reads, directory)
    if shared is not None:
        shared.update(f"{blueprint.rel}\n{digest}\n".encode())
    chart_values = None
    chart_name = blueprint.name
    disagrees = None
    subcharts: tuple[tuple[str, str], ...] = ()
    dependencies: tuple[dict[str, Any], ...] = ()
    keys = None
    size_overlays: dict[str, YamlDoc] = {}
    try:
        if blueprint.manifest_kind == "helm" and blueprint.manifest_dir is not None:
            chart_dir = blueprint.manifest_dir
            if (chart_dir / "values.yaml").is_file():
                chart_values = _values(inputs, reads, chart_dir / "values.yaml")
            chart_doc = parse(inputs, reads.source(chart_dir / "Chart.yaml"))
            if isinstance(chart_doc.data, dict) and chart_doc.data.get("name"):
                chart_name = str(chart_doc.data["name"])
            if isinstance(chart_doc.data, dict):
                inputs.diagnostics += _chart_named_otherwise(blueprint, chart_doc)
                disagrees = disagreement(
                    blueprint, chart_doc.source.rel, chart_doc.data.get("version")
                )
                subcharts = _subcharts(chart_doc.data.get("dependencies"))
                declared = chart_doc.data.get("dependencies")
                if isinstance(declared, list):
                    dependencies = tuple(d for d in declared if isinstance(d, dict))
                values_data = chart_values.data if chart_values is not None else None
                keys = chart_keys(
                    chart_dir,
                    values_data if isinstance(values_data, dict) else None,
                    chart_doc.data,
                    reads.source,
                )
        for size, rel in blueprint.overlays.items():
            path = directory / rel
            if path.is_file():
                size_overlays[size] = _values(inputs, reads, path)
    except InputError as exc:
        inputs.diagnostics.append(diagnostic_from_input(exc))
    return CatalogEntry(
        blueprint,
        chart_name,
        chart_values,
        size_overlays,
        digest,
        disagrees,
        subcharts,
        chart_keys=keys,
        identity=identity,
        dependencies=dependencies,
    )


def _chart_named_otherwise(blueprint: Blueprint, chart_doc: YamlDoc) -> list[Diagnostic]:
    """BPS008, as lint says it, when Chart.yaml names the chart otherwise than the
    `bp-<name>` every HelmRelease compile writes asks for: build refuses to publish it."""
    assert isinstance(chart_doc.data, dict)
    name, version = chart_doc.data.get("name"), chart_doc.data.get("version")
    said = name_disagreement(blueprint.name, name, version, chart_doc.source.rel)
    if said is None:
        return []
    return [report("BPS008", said[0], at(chart_doc, ("name",)), said[1])]


def config_schema_reports(inputs: Inputs, blueprint: Blueprint) -> None:
    """BPS002 for a configSchema that is no valid JSON Schema, as lint words it; the
    Blueprint is then planned without it (`type: strng` or `maxLength: x` made every
    Application's config check a jsonschema traceback), its errors stopping the compile."""
    from blueprintc.schemas import validate_config_schema

    schema = blueprint.config_schema
    if schema is None:
        return
    errors = validate_config_schema(schema)
    for error in errors:
        path = ("spec", "configSchema", *error.absolute_path)
        inputs.diagnostics.append(
            report("BPS002", f"{json_path(path)}: {error.message}", at(blueprint.doc, path))
        )
    if errors:
        blueprint.config_schema = None


def pinned_version(entry: CatalogEntry, who: str, where: Location) -> list[Diagnostic]:
    """BPP021 when `who` (a kit entry, an Application) pins `entry`, whose blueprint.yaml
    and Chart.yaml versions differ; nothing when they agree."""
    if entry.version_disagreement is None:
        return []
    message, hint = entry.version_disagreement
    message = f"{who} pins {entry.name} {entry.version}; {message}"
    return [report("BPP021", message, where, hint)]


def _add(inputs: Inputs, entry: CatalogEntry) -> None:
    """Catalog `entry` under its canonical name; `x` beside `bp-x` is ambiguous."""
    other = inputs.catalog.get(entry.name)
    if other is None:
        inputs.catalog[entry.name] = entry
        return
    first, second = other.blueprint, entry.blueprint
    inputs.diagnostics.append(
        report(
            "BPP020",
            f"Blueprint name {second.name!r} ({second.rel}) and {first.name!r} ({first.rel}) "
            f"are the same Blueprint, {entry.name}: a reference to either is ambiguous",
            at(second.doc, ("metadata", "name")),
            hint="name each Blueprint bp-<its directory>, or remove the duplicate",
        )
    )


def _values(inputs: Inputs, reads: InputReads, path: Path) -> YamlDoc:
    """A Blueprint's values file (chart defaults, a size overlay), read as Helm reads it."""
    doc = parse(inputs, reads.source(path))
    inputs.diagnostics += read_as_helm(doc)
    return doc


def parse(inputs: Inputs, source: SourceFile) -> YamlDoc:
    """`source` parsed under the workspace's rule settings (lint's: `tolerance`); an
    input finding they lower (a duplicate key) is reported and the file read."""
    doc = load_yaml(source, tolerance(inputs.workspace))
    inputs.diagnostics.extend(diagnostic_from_input(e) for e in doc.findings)
    return doc


def _subcharts(dependencies: Any) -> tuple[tuple[str, str], ...]:
    """(name, version) of each Chart.yaml dependency that names a chart."""
    if not isinstance(dependencies, list):
        return ()
    return tuple((d["name"], str(d.get("version") or "")) for d in dependencies if names_chart(d))
