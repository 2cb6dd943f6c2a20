"""``blueprintc lock``: entries in blueprintc.lock for new Applications and Environments."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from blueprintc.cli import options, verbosity
from blueprintc.cli.compile import _report, _root

_SHOWN = 5


def _listed(names: list[str]) -> str:
    return ", ".join(names[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")


@click.command("lock")
@click.argument("workspace", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when blueprintc.lock lacks or holds entries against the spec.",
)
@options.output_format("json: what was added, removed and kept as one document (formatVersion 1).")
def lock_command(workspace: Path | None, check: bool, output_format: str) -> None:
    """Add blueprintc.lock entries for new Applications and Environments; keep the rest.

    A promotion-gated Environment (one whose policy has promotesFrom) runs what its
    entry pins: Blueprint version, digest and Application config. Existing entries
    are never moved here (`blueprintc promote` does that); entries of removed
    Applications and Environments are dropped.
    """
    from blueprintc.compile.inputs import load_inputs
    from blueprintc.diagnostics import failing
    from blueprintc.lint import finalise
    from blueprintc.promote import lock
    from blueprintc.workspace import load_workspace

    root = _root(workspace)
    inputs = load_inputs(load_workspace(root))
    workspace = inputs.workspace  # the rule settings lint and compile apply
    errors = failing(finalise(inputs.diagnostics, workspace, None), workspace.fail_on)
    loaded = inputs.lock  # read with the inputs: its findings are among theirs
    assert loaded is not None
    if errors or loaded.diagnostics:
        _report(errors, root)
        click.echo(f"lock failed: {lock.LOCK_FILE} left untouched", err=True)
        sys.exit(1)
    update = lock.update(loaded.entries, lock.spec_entries(inputs))
    added, removed = lock.describe(update.added), lock.describe(update.removed)
    summary = (
        f"{len(added)} added" + (f" ({_listed(added)})" if added else "") + ", "
        f"{len(removed)} removed" + (f" ({_listed(removed)})" if removed else "") + ", "
        f"{update.kept} kept"
    )
    stale = bool(added or removed) or not loaded.present
    written = False if check else lock.write(root, update.entries)
    if output_format == "json":
        from blueprintc.jsondoc import json_document

        body = {
            "file": lock.LOCK_FILE,
            "check": check,
            "upToDate": not stale,
            "written": written,
            "added": added,
            "removed": removed,
            "kept": update.kept,
        }
        click.echo(json_document("lock", body), nl=False)
        sys.exit(1 if check and stale else 0)
    if check:
        if stale:
            click.echo(f"{lock.LOCK_FILE}: {summary}")
        elif verbosity.verbose():
            click.echo(f"{lock.LOCK_FILE} is up to date: {summary}")
        elif not verbosity.quiet():
            click.echo(f"{lock.LOCK_FILE} is up to date")
        sys.exit(1 if stale else 0)
    if verbosity.quiet():
        return
    if written:
        click.echo(f"wrote {lock.LOCK_FILE}: {summary}")
    else:
        click.echo(f"{lock.LOCK_FILE} is up to date ({update.kept} entries)")
