"""``blueprintc promote``: move gated Environments' lock entries, as pull requests."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from blueprintc.cli import options, verbosity
from blueprintc.cli.compile import _report, _root

if TYPE_CHECKING:
    from blueprintc.compile.inputs import Inputs
    from blueprintc.deliver.embedded import Identity
    from blueprintc.deliver.signing import CommitSigner
    from blueprintc.emit.seal import Seal
    from blueprintc.promote.local import LocalPromotion, LockBefore
    from blueprintc.promote.pulls import PullResult, Settings


@click.command("promote")
@click.argument("application", metavar="[ORG/APP]", required=False)
@click.option("--to", "to", default=None, metavar="ENV", help="The env type promoted into.")
@click.option(
    "--from",
    "source",
    default=None,
    metavar="ENV",
    help="The env type promoted from; only the EnvironmentPolicy's promotesFrom is allowed "
    "(the default).",
)
@click.option(
    "--rollback",
    is_flag=True,
    help="Go back to the entry the Environment ran before the current one (from "
    "blueprintc.lock's Git history), never forward to one a rollback left.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Promote every Application with a promotion waiting (into --to, or every gated "
    "Environment), each from what its source ran before this run.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Merge the open promotion pull requests (of ORG/APP, else of every Application) "
    "whose gates all hold, re-evaluated now; list the failing gates of the others.",
)
@click.option(
    "--remote",
    default=None,
    metavar="URL",
    help="The Gitea the Application repositories live on: push each promotion to "
    "blueprintc/promote/<branch> and open or update its pull request.",
)
@click.option(
    "--to-sovereign", is_flag=True, help="As --remote, with the Sovereign's spec.git.baseUrl."
)
@click.option(
    "--signing-key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="OpenPGP secret key that signs the promotion commits.",
)
@click.option("--author-name", default=None, help="Commit author ($BLUEPRINTC_GIT_NAME).")
@click.option("--author-email", default=None, help="Commit email ($BLUEPRINTC_GIT_EMAIL).")
@click.option(
    "--re-score-context",
    default=None,
    metavar="CONTEXT",
    help="The commit status that carries the reliability score (default catalyst/re-score).",
)
@click.option("--timeout", default="60s", show_default=True, help="How long Gitea may be silent.")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The workspace (default: the one around the current directory).",
)
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Default: out/ (blueprintc.yaml)."
)
@options.output_format("json: the promotions and their plans as one document (formatVersion 1).")
def promote_command(
    application: str | None,
    to: str | None,
    source: str | None,
    rollback: bool,
    every: bool,
    merge: bool,
    remote: str | None,
    to_sovereign: bool,
    signing_key: Path | None,
    author_name: str | None,
    author_email: str | None,
    re_score_context: str | None,
    timeout: str,
    workspace: Path | None,
    out: Path | None,
    output_format: str,
) -> None:
    """Promote ORG/APP into ENV: its lock entry takes what the source Environment runs.

    The entry in blueprintc.lock takes the Blueprint version, digest and Application
    config of the Environment ENV is promoted from; out/ is recompiled and the plan
    printed. With --remote, the branch is pushed and its pull request opened or
    updated, the gates posted; --merge merges those whose gates hold.
    """
    root = _root(workspace)
    single = application if application and not merge else None
    sealed = _sweep_ahead(root, out) if single and to else None  # first: it overlaps the rest
    from blueprintc.promote.local import CompileFailed, LockBefore
    from blueprintc.promote.request import PromoteError

    try:
        _check_usage(application, to, every, merge, rollback, remote, to_sovereign)
        settings = _settings(root, remote, to_sovereign, timeout, re_score_context)
        inputs = _inputs(root, single.split("/", 1)[0] if single else None)
        if merge:
            _merge(root, out, inputs, settings, application, output_format)
            return
        # What can fail before anything is written, is found before anything is.
        proposer = _proposer(settings, signing_key, author_name, author_email)
        before = LockBefore.read(root, inputs)
        done, none = _promote(root, out, inputs, application, to, source, rollback, every, sealed)
        if not done and not verbosity.quiet() and output_format != "json":
            click.echo(none)
        pulls = _propose(root, out, inputs, done, proposer, before)
    except CompileFailed as exc:
        _report(exc.diagnostics, root)
        click.echo(f"promote failed: {exc}", err=True)
        sys.exit(1)
    except PromoteError as exc:
        click.echo(f"promote: error: {exc}", err=True)
        sys.exit(2)
    from blueprintc.cli.promote_output import show_promotions

    show_promotions(done, pulls, rollback, output_format)


def _check_usage(
    application: str | None,
    to: str | None,
    every: bool,
    merge: bool,
    rollback: bool,
    remote: str | None,
    to_sovereign: bool,
) -> None:
    from blueprintc.promote.request import PromoteError

    if remote is not None and to_sovereign:
        raise PromoteError("give --remote URL or --to-sovereign, not both")
    if merge:
        if rollback or every or to:
            raise PromoteError("--merge takes at most ORG/APP: it merges what is proposed")
        if remote is None and not to_sovereign:
            raise PromoteError("--merge needs the Gitea: give --remote URL or --to-sovereign")
        return
    if every:
        if application or rollback:
            raise PromoteError("--all promotes every waiting Application: give no ORG/APP")
        return
    if not application or not to:
        raise PromoteError("name the promotion: blueprintc promote ORG/APP --to ENV")


def _settings(
    root: Path, remote: str | None, to_sovereign: bool, timeout: str, context: str | None
) -> Settings | None:
    from blueprintc.deliver.errors import DeliverError
    from blueprintc.durations import go_duration_seconds
    from blueprintc.promote.gates import RE_SCORE_CONTEXT
    from blueprintc.promote.pulls import Settings
    from blueprintc.promote.request import PromoteError

    if remote is None and not to_sovereign:
        return None
    try:
        seconds = go_duration_seconds(timeout)
    except ValueError as exc:
        raise PromoteError(f"--timeout: {exc}") from None
    from blueprintc.build.errors import BuildError
    from blueprintc.deliver.credentials import credentials_for
    from blueprintc.deliver.transport import check_remote

    try:
        if to_sovereign:
            from blueprintc.build.environments import sovereign_git_base

            remote = sovereign_git_base(root)
        assert remote is not None
        base = check_remote(remote)
    except (DeliverError, BuildError) as exc:
        raise PromoteError(str(exc)) from None
    return Settings(base, credentials_for(base), seconds, re_context=context or RE_SCORE_CONTEXT)


def _sweep_ahead(root: Path, out: Path | None) -> Seal | None:
    """out/'s seal with its stat sweep started, so that the one promotion's recompile
    finds it (nearly) done: at N = 1,000 the sweep is 282,583 lstats, which run
    beside reading the inputs and planning instead of after them."""
    from blueprintc.compile.outdir import out_dir
    from blueprintc.emit.seal import Seal
    from blueprintc.source import InputError
    from blueprintc.workspace import load_workspace

    try:
        target = out_dir(load_workspace(root), out)
    except InputError:
        return None  # reported where the inputs are loaded
    sealed = Seal.load(target)
    if sealed is not None:
        sealed.sweep_ahead(target)
    return sealed


def _inputs(root: Path, only: str | None = None) -> Inputs:
    """The workspace's inputs; with `only` (an Organization's slug), just that
    Organization's file when it is named after it (a promotion of one Application
    need not parse a thousand Organizations)."""
    from blueprintc.compile.inputfiles import organization_files
    from blueprintc.compile.inputs import load_inputs, load_organization
    from blueprintc.promote.request import PromoteError
    from blueprintc.workspace import load_workspace

    workspace = load_workspace(root)
    named = [p for p in organization_files(workspace) if p.stem == only] if only else []
    inputs = load_inputs(workspace, organizations=not named)
    for path in named:
        org = load_organization(inputs, path)
        if org is None or org.slug != only:
            inputs = load_inputs(workspace)  # named otherwise: read them all
            break
    lock = inputs.lock
    if lock is not None and lock.diagnostics:
        _report(list(lock.diagnostics), root)
        raise PromoteError("blueprintc.lock is invalid: restore it from Git")
    if lock is None or not lock.present:
        raise PromoteError(
            "no blueprintc.lock in the workspace: run `blueprintc lock` (and commit it) to "
            "start promoting"
        )
    return inputs


def _promote(
    root: Path,
    out: Path | None,
    inputs: Inputs,
    application: str | None,
    to: str | None,
    source: str | None,
    rollback: bool,
    every: bool,
    sealed: Seal | None = None,
) -> tuple[list[LocalPromotion], str]:
    """The promotions made, and what to say when there were none. `sealed`: out/'s
    seal, its sweep started ahead (`_sweep_ahead`), for the first recompile."""
    from blueprintc.promote.local import promote_locally
    from blueprintc.promote.request import PromoteError, promoted_entry, resolve, waiting
    from blueprintc.promote.rollback import rollback_entry

    lock = inputs.lock
    assert lock is not None
    if every:
        planned = waiting(inputs, to)
    else:
        assert application is not None and to is not None
        request = resolve(inputs, application, to, source)
        current = lock.entries.get(request.key)
        if rollback:
            if current is None:
                raise PromoteError(f"{request.name} {to} has no lock entry to roll back")
            entry = rollback_entry(root, request.key, current)
        else:
            entry = promoted_entry(inputs, request)
        if current == entry:
            note = f"{request.name} {to} already runs what {request.source.env_type} runs"
            return [], f"{note}: nothing to promote"
        planned = [(request, entry)]
    done = []
    for request, entry in planned:
        promoted = promote_locally(root, out, inputs, request, entry, sealed)
        done.append(replace(promoted, rollback=rollback))
        sealed = None  # that compile changed out/: the next one loads its seal
        lock.entries[request.key] = entry  # the next one writes the lock with this one in it
    return done, "nothing to promote: every gated Environment runs what its source runs"


@dataclass(frozen=True)
class _Proposer:
    settings: Settings
    who: Identity
    signer: CommitSigner | None


def _proposer(
    settings: Settings | None,
    signing_key: Path | None,
    author_name: str | None,
    author_email: str | None,
) -> _Proposer | None:
    """How the promotions will be proposed, checked before any is made: the signing key
    unlocks, the author is valid, the Gitea answers as one and takes the credentials."""
    if settings is None:
        return None
    from blueprintc.deliver.embedded import identity
    from blueprintc.deliver.errors import DeliverError
    from blueprintc.promote.proposal import gitea_api
    from blueprintc.promote.request import PromoteError

    try:
        signer = None
        if signing_key is not None:
            from blueprintc.deliver.signing import load_signer

            signer = load_signer(signing_key)
        who = identity(author_name, author_email)
    except DeliverError as exc:
        raise PromoteError(str(exc)) from None
    gitea_api(settings.base, settings.creds, settings.timeout)
    return _Proposer(settings, who, signer)


def _propose(
    root: Path,
    out: Path | None,
    inputs: Inputs,
    done: list[LocalPromotion],
    proposer: _Proposer | None,
    before: LockBefore,
) -> list[PullResult]:
    """Each promotion's pull request, in order. When one cannot be proposed, the lock
    is put back but for the ones proposed before it, and out/ recompiled (`withdraw`)."""
    if proposer is None or not done:
        return []
    from blueprintc.compile.outdir import out_dir
    from blueprintc.promote.local import withdraw
    from blueprintc.promote.pulls import propose
    from blueprintc.promote.request import PromoteError

    target = out_dir(inputs.workspace, out)
    pulls: list[PullResult] = []
    for promotion in done:
        try:
            pulls.append(
                propose(target, inputs, promotion, proposer.settings, proposer.who, proposer.signer)
            )
        except PromoteError as exc:
            kept = done[: len(pulls)]
            withdraw(root, out, before, kept)
            raise PromoteError(f"{exc}; {_withdrawn(done[len(pulls) :], pulls)}") from None
    return pulls


def _withdrawn(undone: list[LocalPromotion], pulls: list[PullResult]) -> str:
    from blueprintc.compile.inputfiles import LOCK_FILE

    names = ", ".join(f"{d.request.name} {d.request.env.env_type}" for d in undone)
    said = f"{LOCK_FILE} and out/ were put back for {names}: promote again once it is fixed"
    if pulls:
        proposed = ", ".join(f"{p.application} {p.target} ({_pull(p)})" for p in pulls)
        said += f" (proposed before it, and kept: {proposed})"
    return said


def _pull(result: PullResult) -> str:
    return f"pull request #{result.number}" if result.number is not None else result.status


def _merge(
    root: Path,
    out: Path | None,
    inputs: Inputs,
    settings: Settings | None,
    application: str | None,
    output_format: str,
) -> None:
    from blueprintc.cli.promote_output import show_merged
    from blueprintc.compile.outdir import out_dir
    from blueprintc.compile.run import run_compile
    from blueprintc.promote.local import CompileFailed
    from blueprintc.promote.pulls import merge
    from blueprintc.promote.request import application as named

    assert settings is not None
    if application is not None:
        named(inputs, application)  # in the workspace, before the compile and the API
    compiled = run_compile(root, out)  # the heads are checked against what the lock gives
    if compiled.failing:
        raise CompileFailed("the workspace does not compile: fix it first", compiled.failing)
    results = merge(
        out_dir(inputs.workspace, out), inputs, settings, [application] if application else None
    )
    show_merged(results, output_format)
    sys.exit(1 if any(r.status == "refused" for r in results) else 0)
