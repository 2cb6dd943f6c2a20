"""``build_blueprint``: lint, dependency build, package, guard, SBOM, publish, pull, guard.

Each stage stops the build when it fails and the record says which stage and
why; nothing after a failed stage runs, so a refused or broken build never
pushes. Timings of every stage are kept on the record (not in its JSON) for
the benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from blueprintc import helm, kustomize, progress
from blueprintc.build.chartfile import ChartArchive
from blueprintc.build.errors import BuildError
from blueprintc.build.guards import (
    PULLED,
    GuardResult,
    guard_package,
    guard_pulled,
    guard_working_tree,
    needs_dependency_build,
    packager_refusal,
)
from blueprintc.build.images import RenderFailed, chart_images, images_of
from blueprintc.build.keys import Signer, load_signer
from blueprintc.build.package import PackageRefused, build_time, package_chart
from blueprintc.build.publish import PullCheck, publish
from blueprintc.build.record import BuildRecord
from blueprintc.build.sbom import Subject, build_sbom
from blueprintc.build.target import Target, open_target
from blueprintc.compile.inputfiles import tree_files
from blueprintc.compile.outdir import claimed_dir, claimed_layout
from blueprintc.emit.fsutil import LinkInPath, write_file
from blueprintc.lint import lint, load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.oci import (
    DigestMismatchError,
    HttpPolicy,
    OCIError,
    RegistryError,
    Store,
    TransportError,
    flux_artifact,
    helm_chart_artifact,
    helm_chart_tag,
)
from blueprintc.oci.artifacts import Artifact, flux_layer
from blueprintc.oci.content import sha256_digest
from blueprintc.oserror import Left, OutputOSError
from blueprintc.source import InputError
from blueprintc.workspace import Workspace, find_root, has_blueprint_file, load_workspace

T = TypeVar("T")


def build_blueprints(
    directories: list[Path],
    *,
    push: bool = False,
    registry: str | None = None,
    layout: Path | None = None,
    identity: str | None = None,
    key: Path | None = None,
    out: Path | None = None,
    dependency_build: bool = True,
    policy: HttpPolicy | None = None,
) -> list[BuildRecord]:
    """What ``blueprintc build``/``publish`` run: open the target and key once, build each.

    With ``push`` and no ``registry``, artifacts go to the OCI layout ``<out>/oci``.
    """
    for directory in directories:
        _check_directory(directory)
    signer = load_signer(key) if key is not None and push else None  # only a push signs
    target = None
    if push:
        where = anchor = None
        if not registry:  # the layout: a directory blueprintc owns (emit/ownership.py)
            workspace = load_workspace(find_root(directories[0]))
            where, anchor = claimed_layout(workspace, out, layout)
        target = open_target(
            registry, layout=where, identity=identity, anchor=anchor, policy=policy
        )
    records = []
    with progress.phase(
        "publish Blueprints" if push else "build Blueprints", len(directories)
    ) as step:
        for directory in directories:
            step()
            records.append(
                build_blueprint(
                    directory,
                    target=target,
                    signer=signer,
                    out=out,
                    dependency_build=dependency_build,
                )
            )
    return records


def build_blueprint(
    directory: Path,
    *,
    target: Target | None = None,
    signer: Signer | None = None,
    out: Path | None = None,
    dependency_build: bool = True,
) -> BuildRecord:
    """Build one Blueprint; with ``target``, publish it there and check the pulled copy.

    The package and the record (``<name>-<version>.build.json``) are written to
    ``<out>/build/`` (``out`` defaults to the workspace's ``out/``). The record
    is always rewritten, also when the build stops on an exception (a registry
    that went away): then it says ``ok: false`` and why, and the exception
    goes on to the caller. Before anything is pushed it already says the
    publish did not finish, so a killed publish never leaves an old ``ok: true``.
    """
    root = find_root(directory)
    workspace = load_workspace(root)
    output = claimed_dir(workspace, out, "build", "build directory")
    try:
        blueprint = load_blueprint(directory.resolve(), workspace)
    except InputError as exc:
        raise BuildError(f"{exc.path}:{exc.line}:{exc.column}: {exc.message}") from None
    record = BuildRecord(
        blueprint.name or directory.name,
        workspace.rel(directory),
        blueprint.manifest_kind or "unknown",
        version=blueprint.version or "",
    )
    try:
        _build(
            record, directory, root, workspace, blueprint, target, signer, output, dependency_build
        )
    except BaseException as exc:
        if record.ok:
            stage = "publish" if target is not None else "build"
            known = isinstance(exc, OCIError | BuildError | OSError)
            reason = str(exc) if known else type(exc).__name__
            record.fail(stage, f"the build stopped: {reason}")
        raise
    finally:
        write_record(output, record)
    return record


def write_record(output: Path, record: BuildRecord) -> None:
    """``<output>/<name>-<version>.build.json`` (the Blueprint's path when unnamed)."""
    stem = f"{record.name}-{record.version}" if record.name and record.version else record.blueprint
    _write(output / f"{stem}.build.json", record.to_json().encode("utf-8"), output.parent)


def _check_directory(directory: Path) -> None:
    """A Blueprint is built from its directory; a file (even its blueprint.yaml), or a
    directory without blueprint.yaml (the catalog, a chart), is refused before anything
    is read or written."""
    if directory.is_dir():
        if not has_blueprint_file(directory):
            raise BuildError(_not_a_blueprint(directory))
        return
    if not directory.exists():
        raise BuildError(f"{directory} does not exist: give a Blueprint directory")
    raise BuildError(
        f"{directory} is a file, not a Blueprint directory: give the directory that holds "
        f"blueprint.yaml (e.g. {directory.parent})"
    )


def _not_a_blueprint(directory: Path) -> str:
    """Why ``directory`` cannot be built, naming the Blueprints below it if it holds any."""
    below = sorted(
        marker.parent
        for pattern in ("*/blueprint.yaml", "*/*/blueprint.yaml")
        for marker in directory.glob(pattern)
    )
    if not below:
        return (
            f"{directory} holds no blueprint.yaml, so it is not a Blueprint: give the "
            "directory that holds a Blueprint's blueprint.yaml"
        )
    shown = " ".join(str(path) for path in below[:3]) + (" ..." if len(below) > 3 else "")
    return (
        f"{directory} holds no blueprint.yaml, so it is not a Blueprint; the Blueprints "
        f"below it are built by naming each: blueprintc build {shown}"
    )


def _write(path: Path, data: bytes, anchor: Path) -> None:
    """Write into ``<out>/build/`` without following a link from ``<out>`` down."""
    try:
        write_file(path, data, anchor=anchor)
    except LinkInPath as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:  # each file is written whole under a temp name, then renamed
        raise OutputOSError(exc, "write", path.parent, Left.WHOLE_FILES, path) from None


def _build(
    record: BuildRecord,
    directory: Path,
    root: Path,
    workspace: Workspace,
    blueprint: Blueprint,
    target: Target | None,
    signer: Signer | None,
    output: Path,
    dependency_build: bool,
) -> BuildRecord:
    if blueprint.manifest_kind == "helm" and blueprint.manifest_dir is not None:
        dependency_build = dependency_build and needs_dependency_build(blueprint.manifest_dir)
    result = _timed(
        record, "lint", lambda: lint([directory], root=root, build_dependencies=dependency_build)
    )
    record.diagnostics = [d for d in result.active if d.severity >= result.fail_on]
    if result.exit_code != 0:
        count = len(record.diagnostics)
        return record.fail(
            "lint", f"lint found {count} problem(s) at or above {result.fail_on.label}"
        )
    if blueprint.manifest_kind == "kustomize":
        return _kustomize(record, blueprint, target, signer, output)
    return _helm(
        record,
        blueprint,
        workspace.rel(blueprint.manifest_dir or directory),
        target,
        signer,
        output,
        root,
        workspace.helm_budget,
    )


def _helm(
    record: BuildRecord,
    blueprint: Blueprint,
    rel: str,
    target: Target | None,
    signer: Signer | None,
    output: Path,
    root: Path,
    budget: helm.Budget,
) -> BuildRecord:
    chart_dir = blueprint.manifest_dir
    assert chart_dir is not None
    if not _guard(record, guard_working_tree(chart_dir, rel)):
        return record.fail("guard", "a declared dependency is missing from the working tree")
    try:
        tgz = _timed(record, "package", lambda: package_chart(chart_dir, budget=budget))
    except PackageRefused as exc:
        refusal = packager_refusal(str(exc), chart_dir, rel)
        if refusal is None:
            return record.fail("package", f"helm package failed: {exc}")
        _guard(record, refusal)
        return record.fail("guard", "a declared dependency is missing from the package")
    guard, archive = guard_package(tgz, f"the package of {rel}")
    if not _guard(record, guard) or archive is None:
        return record.fail("guard", "a declared dependency is missing from the package")
    record.name, record.version = archive.name, archive.version
    record.subcharts = list(archive.subcharts)
    path = output / f"{archive.name}-{archive.version}.tgz"
    _write(path, tgz, output.parent)
    record.package_file = _rel(path, root)
    artifact = helm_chart_artifact(tgz)
    record.package_digest = artifact.layers[0][0].digest
    record.manifest_digest = artifact.digest
    try:
        record.images = _timed(record, "sbom", lambda: chart_images(tgz, archive, budget))
    except RenderFailed as exc:
        return record.fail("render", f"the package does not render: {exc}")
    if target is None:
        return record
    repo = target.repo(archive.name)
    tag = helm_chart_tag(archive.version)
    shown = target.reference(repo, tag)

    def check(store: Store, repo: str, digest: str) -> tuple[str, str] | None:
        start = time.perf_counter()
        try:
            return _pull_back(record, store, repo, digest, shown)
        finally:
            record.timings["pull"] = time.perf_counter() - start

    _publish(record, blueprint, artifact, target, repo, tag, signer, archive, output, check)
    return record


def _pull_back(
    record: BuildRecord, store: Store, repo: str, digest: str, shown: str
) -> tuple[str, str] | None:
    """The pulled-artifact guard, with its failures named: transport, integrity, content."""
    where = f"the artifact pulled from {shown}@{digest}"
    try:
        pulled, _ = guard_pulled(store, repo, digest, digest, where)
    except DigestMismatchError as exc:
        problem = f"{where} failed its integrity check: {exc}"
        _guard(record, GuardResult(PULLED, False, (problem,), where))
        return "pull", problem
    except RegistryError as exc:
        # A TransportError names itself; anything else the registry refused with.
        kind = (
            ""
            if isinstance(exc, TransportError)
            else " (a registry failure, not a content problem)"
        )
        problem = f"could not pull the artifact back from {shown}{kind}: {exc}"
        _guard(record, GuardResult(PULLED, False, (problem,), where))
        return "pull", problem
    if not _guard(record, pulled):
        return "guard", "the pulled artifact lacks a declared dependency"
    return None


def _kustomize(
    record: BuildRecord,
    blueprint: Blueprint,
    target: Target | None,
    signer: Signer | None,
    output: Path,
) -> BuildRecord:
    """Kustomize Blueprints have no subcharts: a Flux artifact of ``manifests/``."""
    directory = blueprint.manifest_dir
    assert directory is not None
    record.name = blueprint.name
    built = _timed(record, "sbom", lambda: kustomize.build(directory))
    if built.error:
        return record.fail("render", f"kustomize build failed: {built.error}")
    record.images = images_of(built.objects)
    layer = _timed(record, "package", lambda: flux_layer(directory))
    revision = f"{record.version}@{sha256_digest(layer)}"  # content, not commit: reproducible
    artifact = flux_artifact(directory, source=f"blueprint:{blueprint.name}", revision=revision)
    record.package_digest = artifact.layers[0][0].digest
    record.manifest_digest = artifact.digest
    if target is not None:
        repo = target.repo(blueprint.name)
        _publish(
            record, blueprint, artifact, target, repo, record.version, signer, None, output, None
        )
    return record


def _publish(
    record: BuildRecord,
    blueprint: Blueprint,
    artifact: Artifact,
    target: Target,
    repo: str,
    tag: str,
    signer: Signer | None,
    archive: ChartArchive | None,
    output: Path,
    check: PullCheck | None,
) -> bool:
    subject = Subject(
        record.name,
        record.version,
        target.identity(repo),
        artifact.digest,
        artifact.layers[0][0].digest,
    )
    subcharts = archive.subcharts if archive else ()
    sbom = build_sbom(subject, subcharts, record.images, build_time() or None)
    pending = "the publish did not finish (interrupted); run it again"
    # A killed publish must not leave the previous record's ok: true behind.
    write_record(output, replace(record, failed_at="publish", message=pending))
    source = flux_layer(blueprint_source(blueprint.dir))
    result = publish(
        artifact, target, repo, tag, signer=signer, sbom=sbom, source=source, check=check
    )
    record.published = result
    record.timings.update(result.timings)
    if not result.ok:
        record.fail(result.stage or "publish", result.message)
    return result.ok


def blueprint_source(directory: Path) -> dict[str, bytes]:
    """Every file of a Blueprint directory by its relative path, as compile's Blueprint
    digest sees them (a link to a directory is not followed, so it is left out)."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in tree_files(directory)
        if not path.is_dir()
    }


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _guard(record: BuildRecord, result: GuardResult) -> bool:
    record.guards.append(result)
    return result.ok


def _timed(record: BuildRecord, stage: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    try:
        return work()
    finally:
        record.timings[stage] = record.timings.get(stage, 0.0) + time.perf_counter() - start
