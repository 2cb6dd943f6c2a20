"""`blueprintc build` and `blueprintc publish` (= build --push; with
--environments, the compiled Environment trees of out/ instead of Blueprints).

Registry credentials come from BLUEPRINTC_REGISTRY_USERNAME/PASSWORD or the
Docker config, the key password from COSIGN_PASSWORD: never from a flag.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from blueprintc.build.record import BuildRecord
from blueprintc.cli import verbosity
from blueprintc.cli.registry_io import registry_policy, with_registry_io
from blueprintc.jsondoc import json_document

if TYPE_CHECKING:
    from blueprintc.build.environments import EnvironmentResult
    from blueprintc.build.target import Target


def _blueprints(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.argument(
        "blueprints", nargs=-1, required=required, type=click.Path(path_type=Path)
    )


_OPTIONS = [
    click.option(
        "--registry",
        metavar="oci://HOST[:PORT][/PATH]",
        help="Registry to publish to. Default: the OCI image layout <out>/oci.",
    ),
    click.option("--layout", type=click.Path(path_type=Path), help="OCI layout directory."),
    click.option(
        "--key",
        type=click.Path(path_type=Path),
        help="cosign private key; its password is read from $COSIGN_PASSWORD.",
    ),
    click.option(
        "--identity-registry",
        metavar="HOST[/PATH]",
        help="Registry named in signatures (default: the registry itself).",
    ),
    click.option(
        "--out",
        type=click.Path(path_type=Path),
        help="Output directory (out/); with --environments, the compiled tree to publish.",
    ),
    click.option(
        "--dependency-build/--no-dependency-build",
        default=True,
        show_default=True,
        help="Run `helm dependency build` first (else use the vendored charts/).",
    ),
    click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text"),
]


def _with_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = with_registry_io(func)
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


@click.command()
@click.option("--push", is_flag=True, help="Publish too (what `blueprintc publish` does).")
@_blueprints(required=True)
@_with_options
def build(push: bool, **options: Any) -> None:
    """Lint, package and guard Blueprints; with --push, publish, sign and check the pull."""
    _run(push, **options)


@click.command()
@click.option(
    "--environments",
    is_flag=True,
    help="Publish each compiled Environment tree of --out instead of Blueprints.",
)
@click.option(
    "--source",
    metavar="URL",
    help="With --environments: Git base URL for the source annotation (<URL>/<org>); "
    "default: the Sovereign's spec.git.baseUrl.",
)
@_blueprints(required=False)
@_with_options
def publish(environments: bool, source: str | None, **options: Any) -> None:
    """Build, push, attach the SBOM, sign, pull back and guard (build --push).

    With --environments: push every compiled Environment tree of out/ as a
    signed Flux OCI artifact (environments/<org>-<env>, tags rev-<tree digest>
    and <branch>).
    """
    if environments == bool(options["blueprints"]):
        raise click.UsageError("give either Blueprint paths or --environments (exactly one)")
    if source is not None and not environments:
        raise click.UsageError("--source only applies with --environments")
    if environments:
        _run_environments(source, **options)
    else:
        _run(True, **options)


def _run(
    push: bool,
    blueprints: tuple[Path, ...],
    registry: str | None,
    layout: Path | None,
    key: Path | None,
    identity_registry: str | None,
    out: Path | None,
    dependency_build: bool,
    output_format: str,
    timeout: str | None,
    deadline: str | None,
    retry_times: int | None,
) -> None:
    from blueprintc import progress
    from blueprintc.build import BuildError, build_blueprints
    from blueprintc.oci import OCIError

    try:
        with progress.shown(verbosity.show_progress(output_format)):
            records = build_blueprints(
                list(blueprints),
                push=push,
                registry=registry,
                layout=layout,
                identity=identity_registry,
                key=key,
                out=out,
                dependency_build=dependency_build,
                policy=registry_policy(timeout, deadline, retry_times),
            )
    except (BuildError, OCIError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output_format == "json":
        click.echo(json_document("build", {"records": [r.as_dict() for r in records]}), nl=False)
    else:
        for record in records:
            if record.ok and verbosity.quiet():
                continue
            click.echo(render_text(record), nl=False)
    sys.exit(0 if all(r.ok for r in records) else 1)


def _run_environments(
    source: str | None,
    blueprints: tuple[Path, ...],
    registry: str | None,
    layout: Path | None,
    key: Path | None,
    identity_registry: str | None,
    out: Path | None,
    dependency_build: bool,
    output_format: str,
    timeout: str | None,
    deadline: str | None,
    retry_times: int | None,
) -> None:
    from blueprintc.build import BuildError, load_signer, open_target
    from blueprintc.build.environments import (
        check_source_base,
        publish_environments,
        sovereign_git_base,
    )
    from blueprintc.build.envtree import environment_trees
    from blueprintc.compile.outdir import checked_out_dir, claimed_layout
    from blueprintc.oci import OCIError
    from blueprintc.source import InputError
    from blueprintc.workspace import find_root, load_workspace

    try:
        root = find_root(Path.cwd())
        workspace = load_workspace(root)
        tree = checked_out_dir(workspace, out)  # read only; the layout is written
        base = source or sovereign_git_base(root)
        check_source_base(base)
        trees = environment_trees(tree)  # every refusal comes before a layout is made
        signer = load_signer(key) if key is not None else None
        policy = registry_policy(timeout, deadline, retry_times)
        where, anchor = (None, None) if registry else claimed_layout(workspace, out, layout)
        target = open_target(
            registry, layout=where, identity=identity_registry, policy=policy, anchor=anchor
        )
        results = publish_environments(tree, target, signer, source_base=base, trees=trees)
    except (BuildError, OCIError, InputError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output_format == "json":
        found = [_environment_dict(r, target) for r in results]
        click.echo(json_document("publish-environments", {"environments": found}), nl=False)
    else:
        for result in results:
            if result.ok and verbosity.quiet():
                continue
            click.echo(render_environment(result, target))
    sys.exit(0 if all(r.ok for r in results) else 1)


def render_environment(result: EnvironmentResult, target: Target) -> str:
    """One line: name, where and which digest, both tags, what happened, signed or not."""
    if not result.ok:
        return f"{result.environment}: {result.state.value.upper()} {result.message}"
    where = target.reference(result.repo, result.tag).rsplit(":", 1)[0]
    state = result.state.value + (f", {result.branch} updated" if result.branch_moved else "")
    if result.signature_tag is None:
        signed = "unsigned (pass --key to sign)"
    else:
        signed = "signed" if result.newly_signed else "already signed"
    tags = ", ".join(result.tags)
    return f"{result.environment} {where}@{result.digest} tags {tags} ({state}) {signed}"


def _environment_dict(result: EnvironmentResult, target: Target) -> dict[str, Any]:
    return {
        "environment": result.environment,
        "repository": target.reference(result.repo, result.tag).rsplit(":", 1)[0],
        "digest": result.digest,
        "tags": list(result.tags),
        "treeDigest": result.tree_digest,
        "state": result.state.value,
        "branchMoved": result.branch_moved,
        "signatureTag": result.signature_tag,
        "newlySigned": result.newly_signed,
        "message": result.message,
    }


def render_text(record: BuildRecord) -> str:
    head = f"{record.name or record.blueprint} {record.version}".strip()
    lines = [f"{head}: {'ok' if record.ok else f'FAILED at {record.failed_at}'}"]
    if record.message:
        lines.append(f"  {record.message}")
    for d in record.diagnostics:
        loc = d.location
        lines.append(f"  {loc.file}:{loc.line}:{loc.column}: {d.rule} {d.message}")
        if d.hint:
            lines.append(f"    = help: {d.hint}")
    for guard in record.guards:
        lines.append(f"  guard {guard.guard}: {'ok' if guard.ok else 'FAILED'} {guard.summary}")
        lines.extend(f"    {problem}" for problem in guard.problems)
    if record.package_file:
        lines.append(f"  package {record.package_file} {record.package_digest}")
    for sub in record.subcharts:
        lines.append(f"  subchart {sub.name} {sub.version} {sub.digest}")
    lines.extend(f"  image {image}" for image in record.images)
    pub = record.published
    if pub is not None and pub.ok:
        lines.append(f"  artifact {pub.state.value} {pub.reference}@{pub.digest}")
        if pub.sbom_tag:
            lines.append(f"  sbom {pub.sbom_tag}")
        if pub.signature_tag:
            how = "signed" if pub.newly_signed else "already signed"
            lines.append(f"  signature {pub.signature_tag} ({how})")
        else:
            lines.append("  signature none: published unsigned (pass --key to sign)")
    return "\n".join(lines) + "\n"
