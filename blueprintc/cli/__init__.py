"""The command line: each command parses options, calls one library function,
renders the result and exits. One module per command family, listed below.

Exit codes: 0 clean, 1 findings (at or above --fail-on), 2 usage or input errors.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import resource
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from blueprintc import __version__
from blueprintc.cli import verbosity
from blueprintc.cli.lazy import LazyCommand, LazyGroup

# Each command's module is imported only when it runs (start-up is most of a
# pre-commit lint); the help line is kept here so `--help` imports none of them.
COMMANDS: dict[str, LazyCommand] = {
    "lint": LazyCommand(
        "blueprintc.cli.lint:lint",
        "Lint Blueprints: a Blueprint dir, a catalog dir, or files inside Blueprints.",
    ),
    "explain": LazyCommand(
        "blueprintc.cli.lint:explain",
        "Show a rule's rationale, examples and fix; without an id, list every rule.",
    ),
    "build": LazyCommand(
        "blueprintc.cli.build:build",
        "Lint, package and guard Blueprints; with --push, publish, sign and check the pull.",
    ),
    "publish": LazyCommand(
        "blueprintc.cli.build:publish",
        "Build, push, attach the SBOM, sign, pull back and guard (build --push).",
    ),
    "keygen": LazyCommand(
        "blueprintc.cli.sign:keygen",
        "Write a cosign key pair ($COSIGN_PASSWORD), or with --openpgp a commit-signing key.",
    ),
    "verify": LazyCommand(
        "blueprintc.cli.sign:verify",
        "Verify signature, digest binding, identity, content and SBOM of REFERENCE.",
    ),
    "changed": LazyCommand(
        "blueprintc.cli.changed:changed",
        "List Blueprints changed since a ref plus every Blueprint depending on them.",
    ),
    "compile": LazyCommand(
        "blueprintc.cli.compile:compile_command",
        "Compile the Sovereign, Organizations and Blueprints into the Flux tree.",
    ),
    "diff": LazyCommand(
        "blueprintc.cli.compile:diff_command",
        "Show a unified diff of what a compile would change in out/.",
    ),
    "deliver": LazyCommand(
        "blueprintc.cli.deliver:deliver_command",
        "Commit every compiled branch of OUT into out/git/<org>/<app>.git and the fleet repo.",
    ),
    "lock": LazyCommand(
        "blueprintc.cli.lock:lock_command",
        "Add blueprintc.lock entries for new Applications and Environments; keep the rest.",
    ),
    "promote": LazyCommand(
        "blueprintc.cli.promote:promote_command",
        "Promote ORG/APP into ENV: its lock entry takes what the source Environment runs.",
    ),
    "explain-value": LazyCommand(
        "blueprintc.cli.compile:explain_value_command",
        "Why does <org>/<app>/<env> have this value? KEY is dotted, e.g. webapp.replicaCount.",
    ),
}

# Commands that render charts, and the Helm workers each starts before importing its
# module, so a worker's start-up (the SDK's native library) overlaps those imports.
# compile and diff start theirs once they know out/ is not sealed (compile/run.py): a
# sealed compile renders nothing.
EARLY_HELM_WORKERS = {"lint": 1, "build": 1, "publish": 1}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blueprintc")
def cli() -> None:
    """blueprintc: lint, render, compile and publish Catalyst Blueprints for Flux."""


verbosity.add_to(cli)  # `blueprintc -q lint` as well as `blueprintc lint -q`


# Helm's Go runtime aborts its process (no exception, a goroutine dump) when it
# cannot open its poller, and every Helm worker costs pipes; a compile needs about
# ten descriptors at once. Below this many free ones, refuse before anything is
# read or written (and before the first Helm worker starts).
MIN_FREE_FILES = 32


class Terminated(SystemExit):
    """The process was sent SIGTERM: it ends as Ctrl-C ends it, unwinding."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a CI job's time-out, `timeout`, a service manager) ends the command by
    unwinding, as Ctrl-C does, not at once as Python's default does: `finally` blocks
    and exit handlers run, so the Helm workers are stopped and temporary directories
    removed (at once it left each Helm worker's behind). What a compile was writing is
    safe either way (its journal). A second SIGTERM ends the process at once."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated(128 + signum)


def main() -> None:
    """The one top-level handler: input and output errors exit 2 with a message."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        _run()
    except SystemExit as done:  # SIGTERM included, from the first line on
        if isinstance(done, Terminated):
            click.echo("blueprintc: terminated (SIGTERM)", err=True)
        _exit_without_teardown(done)
        raise


def _run() -> None:
    command = _command(sys.argv[1:])
    refusal = _file_limit_problem(command)
    if refusal is not None:
        click.echo(f"blueprintc: {refusal}", err=True)
        sys.exit(2)
    if sys.argv[1:2] and sys.argv[1] in EARLY_HELM_WORKERS:
        from blueprintc import helm_pool  # not for a command that renders nothing

        helm_pool.start_early(sys.argv[1:2], EARLY_HELM_WORKERS)
    try:
        cli(prog_name="blueprintc")
    except Exception as exc:
        signalled = _signal_behind(exc)
        if isinstance(signalled, Terminated):
            raise signalled from None
        if signalled is not None:  # Ctrl-C: as click ends one
            click.echo("\nAborted!", err=True)
            sys.exit(1)
        message = _input_or_output_error(exc, command)
        if message is None:
            raise
        click.echo(message, err=True)
        sys.exit(2)


def _exit_without_teardown(done: SystemExit) -> None:
    """End the command as the interpreter would, less its teardown: the exit handlers
    run (Helm workers stopped, temporary directories removed, a seal sweep's child
    reaped), the output is flushed, and the process ends without freeing every module
    and object one by one. That took 40-60 ms of the ~300 ms a pre-commit lint of one
    Blueprint has (issue 11), and 0.15-0.2 s of a 1.8 s promotion at N = 1,000, whose
    heap holds the seal's 282,583 paths and the manifest shards (mypy's CLI leaves the
    same way). Only when no other non-daemon thread is alive (the interpreter would
    wait for it). `main` is the console script's: tests drive `cli` in-process."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        return
    code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what the interpreter does with sys.exit("text")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)


def _signal_behind(exc: BaseException) -> BaseException | None:
    """The Terminated or KeyboardInterrupt `exc` was raised from, if any: a signal
    handler that ran inside a C extension's callback (libgit2's, an import's) comes
    back out as the extension's own error (a SystemError "returned a result with an
    exception set"), with the signal's exception as its cause."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, Terminated | KeyboardInterrupt):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


def _command(args: list[str]) -> str:
    """``blueprintc <the subcommand>`` as typed, for "rerun ..." hints."""
    name = next((a for a in args if not a.startswith("-")), None)
    return f"blueprintc {name}" if name in COMMANDS else "blueprintc"


def _input_or_output_error(exc: Exception, command: str) -> str | None:
    """The one line for a user-caused error (imported here, off the start-up path)."""
    from blueprintc.cli.oserrors import describe, describe_unexpected
    from blueprintc.emit import EmitError
    from blueprintc.oserror import OutputOSError
    from blueprintc.source import InputError

    if isinstance(exc, InputError):
        hint = f" ({exc.hint})" if exc.hint else ""
        where = (
            f"{exc.path}:{exc.line}:{exc.column}" if (exc.line, exc.column) != (1, 1) else exc.path
        )
        return f"blueprintc: error {exc.rule}: {where}: {exc.message}{hint}"
    if isinstance(exc, EmitError):
        return f"blueprintc: error: {exc}"
    if isinstance(exc, OutputOSError):
        return f"blueprintc: error: {describe(exc, command, Path.cwd())}"
    if isinstance(exc, OSError):  # one no layer classified: still one line, no traceback
        return f"blueprintc: error: {describe_unexpected(exc, command, Path.cwd())}"
    return None


def _file_limit_problem(command: str) -> str | None:
    """Raise the soft open-file limit to the hard one if too few descriptors are free;
    a one-line refusal if that is still not enough, else None."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        # counts the one listing them too, which is closed again: one to spare
        in_use = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return None  # no /proc to ask: go ahead
    if _free(soft, in_use) >= MIN_FREE_FILES:
        return None
    if _free(hard, in_use) >= MIN_FREE_FILES:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return None
    return (
        f"error: too many open files: the open-file limit is {hard} and "
        f"{hard - _free(hard, in_use)} of those descriptors are in use, but blueprintc needs "
        f"{MIN_FREE_FILES} free; nothing was read or written; "
        f"fix: raise the limit (ulimit -n 1024), then rerun {command}"
    )


def _free(limit: int, in_use: list[int]) -> int:
    """How many more descriptors can be opened (every number below ``limit`` counts)."""
    if limit == resource.RLIM_INFINITY:
        return MIN_FREE_FILES
    return limit - sum(1 for fd in in_use if fd < limit)
