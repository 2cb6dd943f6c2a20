"""``build_blueprint``: lint, dependency build, package, guard, SBOM, publish, pull, guard.

Each stage stops the build when it fails and the record says which stage and
why; nothing after a failed stage runs, so a refused or broken build never
pushes. Timings of every stage are kept on the record (not in its JSON) for
the benchmark. The stages after lint are `blueprintc.build.stages`.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc import progress
from blueprintc.build.errors import BuildError
from blueprintc.build.guards import needs_dependency_build
from blueprintc.build.keys import Signer, load_signer
from blueprintc.build.record import BuildRecord
from blueprintc.build.stages import helm_stages, kustomize_stages, timed, write_record
from blueprintc.build.target import Target, open_target
from blueprintc.compile.outdir import claimed_dir, claimed_layout
from blueprintc.lint import lint, load_blueprint
from blueprintc.model.blueprint import Blueprint
from blueprintc.oci import HttpPolicy, OCIError
from blueprintc.source import InputError
from blueprintc.workspace import Workspace, find_root, has_blueprint_file, load_workspace


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
        dependency_build = dependency_build and needs_dependency_build(
            blueprint.manifest_dir, workspace.helm_budget
        )
    result = timed(
        record, "lint", lambda: lint([directory], root=root, build_dependencies=dependency_build)
    )
    record.diagnostics = [d for d in result.active if d.severity >= result.fail_on]
    if result.exit_code != 0:
        count = len(record.diagnostics)
        return record.fail(
            "lint", f"lint found {count} problem(s) at or above {result.fail_on.label}"
        )
    if blueprint.manifest_kind == "kustomize":
        return kustomize_stages(record, blueprint, target, signer, output)
    return helm_stages(
        record,
        blueprint,
        workspace.rel(blueprint.manifest_dir or directory),
        target,
        signer,
        output,
        root,
        workspace.helm_budget,
        workspace.kubernetes_version,
    )
