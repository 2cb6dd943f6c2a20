"""The stages of one Blueprint's build after lint: package, guard, SBOM, publish and
pull back (a Helm chart), or a Flux artifact of ``manifests/`` (Kustomize), and the
writing of its build record. Each stage that fails says so on the record and stops
the build: nothing after it runs, so a refused or broken build never pushes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from blueprintc import helm, kustomize
from blueprintc.build.chartfile import ChartArchive
from blueprintc.build.errors import BuildError
from blueprintc.build.guards import (
    PULLED,
    GuardResult,
    guard_package,
    guard_pulled,
    guard_working_tree,
    packager_refusal,
)
from blueprintc.build.images import RenderFailed, chart_images, images_of
from blueprintc.build.keys import Signer
from blueprintc.build.package import PackageRefused, build_time, package_chart
from blueprintc.build.publish import PullCheck, publish
from blueprintc.build.record import BuildRecord
from blueprintc.build.sbom import Subject, build_sbom
from blueprintc.build.target import Target
from blueprintc.compile.inputfiles import tree_files
from blueprintc.emit.fsutil import LinkInPath, write_file
from blueprintc.model.blueprint import Blueprint
from blueprintc.oci import (
    DigestMismatchError,
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

T = TypeVar("T")


def write_record(output: Path, record: BuildRecord) -> None:
    """``<output>/<name>-<version>.build.json`` (the Blueprint's path when unnamed)."""
    stem = f"{record.name}-{record.version}" if record.name and record.version else record.blueprint
    _write(output / f"{stem}.build.json", record.to_json().encode("utf-8"), output.parent)


def _write(path: Path, data: bytes, anchor: Path) -> None:
    """Write into ``<out>/build/`` without following a link from ``<out>`` down."""
    try:
        write_file(path, data, anchor=anchor)
    except LinkInPath as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:  # each file is written whole under a temp name, then renamed
        raise OutputOSError(exc, "write", path.parent, Left.WHOLE_FILES, path) from None


def helm_stages(
    record: BuildRecord,
    blueprint: Blueprint,
    rel: str,
    target: Target | None,
    signer: Signer | None,
    output: Path,
    root: Path,
    budget: helm.Budget,
    kube_version: str | None = None,
) -> BuildRecord:
    """Guard, package and render the chart (its images, for Kubernetes `kube_version`),
    then publish, sign and pull it back when there is a `target`."""
    chart_dir = blueprint.manifest_dir
    assert chart_dir is not None
    if not _guard(record, guard_working_tree(chart_dir, rel, budget)):
        return record.fail("guard", "a declared dependency is missing from the working tree")
    try:
        tgz = timed(record, "package", lambda: package_chart(chart_dir, budget=budget))
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
        record.images = timed(
            record, "sbom", lambda: chart_images(tgz, archive, budget, kube_version)
        )
        record.kubernetes_version = kube_version
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
            return pull_back(record, store, repo, digest, shown)
        finally:
            record.timings["pull"] = time.perf_counter() - start

    publish_stage(record, blueprint, artifact, target, repo, tag, signer, archive, output, check)
    return record


def pull_back(
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


def kustomize_stages(
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
    built = timed(record, "sbom", lambda: kustomize.build(directory))
    if built.error:
        return record.fail("render", f"kustomize build failed: {built.error}")
    record.images = images_of(built.objects)
    layer = timed(record, "package", lambda: flux_layer(directory))
    revision = f"{record.version}@{sha256_digest(layer)}"  # content, not commit: reproducible
    artifact = flux_artifact(directory, source=f"blueprint:{blueprint.name}", revision=revision)
    record.package_digest = artifact.layers[0][0].digest
    record.manifest_digest = artifact.digest
    if target is not None:
        repo = target.repo(blueprint.name)
        publish_stage(
            record, blueprint, artifact, target, repo, record.version, signer, None, output, None
        )
    return record


def publish_stage(
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
    sbom = build_sbom(
        subject, subcharts, record.images, build_time() or None, record.kubernetes_version
    )
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


def timed(record: BuildRecord, stage: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    try:
        return work()
    finally:
        record.timings[stage] = record.timings.get(stage, 0.0) + time.perf_counter() - start
