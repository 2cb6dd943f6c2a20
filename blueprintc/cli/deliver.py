"""``blueprintc deliver``: commit the compiled out/ into the embedded bare repositories."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from blueprintc import progress
from blueprintc.build.errors import BuildError
from blueprintc.cli import options, verbosity
from blueprintc.durations import go_duration_seconds

if TYPE_CHECKING:
    from blueprintc.model.sovereign import Mirror


@click.command("deliver")
@click.option(
    "--out",
    "out",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="The compiled tree (default: the out/ of the workspace around the current "
    "directory, as compile writes it).",
)
@click.option(
    "--author-name",
    default=None,
    help="Author and committer name ($BLUEPRINTC_GIT_NAME; default blueprintc).",
)
@click.option(
    "--author-email", default=None, help="Author and committer email ($BLUEPRINTC_GIT_EMAIL)."
)
@click.option(
    "--signing-key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="OpenPGP secret key that signs every commit (passphrase from "
    "$BLUEPRINTC_SIGNING_PASSPHRASE; make one with `blueprintc keygen --openpgp`).",
)
@click.option(
    "--remote",
    default=None,
    metavar="URL",
    help="Also push every repository to URL/<org>/<app>.git over smart HTTP(S), never "
    "forced (credentials: $BLUEPRINTC_GIT_USERNAME/$BLUEPRINTC_GIT_PASSWORD, "
    "$BLUEPRINTC_GIT_TOKEN or a git credential helper). On a Gitea, also create missing "
    "organisations and repositories, protect gated branches, propose changes to them as "
    "pull requests, register the Flux webhooks ($BLUEPRINTC_WEBHOOK_TOKEN) and keep "
    "spec.git.mirrors.",
)
@click.option(
    "--to-sovereign",
    is_flag=True,
    help="Push as --remote does, to the workspace Sovereign's spec.git.baseUrl.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Repositories pushed at once (with --remote).",
)
@click.option(
    "--timeout",
    default="60s",
    show_default=True,
    help="With --remote: how long the server may stay silent (90s, 2m).",
)
@options.output_format("json: every branch's outcome as one document (formatVersion 1).")
def deliver_command(
    out: Path | None,
    author_name: str | None,
    author_email: str | None,
    signing_key: Path | None,
    remote: str | None,
    to_sovereign: bool,
    jobs: int,
    timeout: str,
    output_format: str,
) -> None:
    """Commit every compiled branch of OUT into out/git/<org>/<app>.git and the fleet repo."""
    started = time.perf_counter()
    from blueprintc.deliver.embedded import DeliverError, deliver, identity

    if remote is not None and to_sovereign:
        click.echo("error: give --remote URL or --to-sovereign, not both", err=True)
        sys.exit(2)
    try:
        seconds = go_duration_seconds(timeout)
    except ValueError as exc:
        click.echo(f"error: --timeout: {exc}", err=True)
        sys.exit(2)
    if out is None:
        out = _workspace_out()
    try:
        if to_sovereign:
            from blueprintc.build.environments import sovereign_git_base
            from blueprintc.workspace import find_root

            try:
                remote = sovereign_git_base(find_root(Path.cwd()))
            except BuildError as exc:  # its wording names publish's --source
                raise DeliverError(str(exc).replace("pass --source", "pass --remote URL")) from None

        signer = None
        if signing_key is not None:
            from blueprintc.deliver.signing import load_signer

            signer = load_signer(signing_key)
        who = identity(author_name, author_email)
        if remote is None:
            with progress.shown(verbosity.show_progress(output_format)):
                result = deliver(out, who, signer)
        else:
            from blueprintc.deliver.remote import deliver_remote
            from blueprintc.deliver.transport import check_remote

            base = check_remote(remote)
            mirrors = _workspace_mirrors(out)
            with progress.shown(verbosity.show_progress(output_format)):
                result = deliver_remote(out, base, who, signer, jobs, seconds, mirrors)
    except (DeliverError, BuildError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        branches = [
            {"repo": b.repo, "branch": b.branch, "status": b.status, "commit": b.commit}
            | ({"detail": b.detail} if b.detail else {})
            for b in result.branches
        ]
        counts = {s: result.count(s) for s in ("delivered", "proposed", "unchanged", "failed")}
        mirrored = [
            {"repo": m.repo, "url": m.url, "status": m.status}
            | ({"detail": m.detail} if m.detail else {})
            for m in result.mirrors
        ]
        document = {**counts, "branches": branches, "mirrors": mirrored}
        click.echo(json_document("deliver", document), nl=False)
        sys.exit(1 if result.failed else 0)
    outcomes = [
        (b.status, f"{b.repo} {b.branch}" + (f" {b.commit[:12]}" if b.commit else ""), b.detail)
        for b in result.branches
    ] + [(m.status, f"{m.repo} (mirror of {m.url})", m.detail) for m in result.mirrors]
    for status, what, detail in outcomes:
        if verbosity.quiet() and status != "failed":
            continue
        click.echo(f"{status:9} {what}" + (f": {detail}" if detail else ""), err=status == "failed")
    if not verbosity.quiet() or result.failed:
        proposed = result.count("proposed")
        click.echo(
            f"deliver: {result.count('delivered')} delivered, "
            + (f"{proposed} proposed as pull requests, " if proposed else "")
            + f"{result.count('unchanged')} unchanged, {result.count('failed')} failed"
        )
    if verbosity.verbose():
        click.echo(f"  in {time.perf_counter() - started:.2f} s", err=True)
    sys.exit(1 if result.failed else 0)


def _workspace_out() -> Path:
    """The out/ compile and promote use (blueprintc.yaml's `out:`) of the workspace around
    the current directory, so that deliver works from any directory in it; ./out outside
    a workspace. An unreadable blueprintc.yaml is an input error (exit 2)."""
    from blueprintc.compile.outdir import out_dir
    from blueprintc.workspace import load_workspace, workspace_root

    root = workspace_root(Path.cwd())
    return Path("out") if root is None else out_dir(load_workspace(root), None)


def _workspace_mirrors(out: Path) -> tuple[Mirror, ...]:
    """``spec.git.mirrors`` of the workspace ``out`` belongs to (none outside one)."""
    from blueprintc.build.environments import sovereign_spec
    from blueprintc.source import InputError
    from blueprintc.workspace import workspace_root

    root = workspace_root(out.resolve().parent)
    if root is None:
        return ()
    try:
        return sovereign_spec(root)[1].mirrors
    except (InputError, OSError):
        return ()  # compile reports an unreadable spec; out/ was made from a readable one
