"""The registry I/O options every command that talks to a registry shares.

``--timeout`` (per request, like helm's), ``--deadline`` (all the command's
registry I/O) and ``--retry-times`` (like skopeo's); each defaults to its
``BLUEPRINTC_REGISTRY_*`` environment variable, then to ``HttpPolicy``'s default.
``--plain-http``, ``--insecure-skip-tls-verify`` and ``--ca-file`` say how to speak
to the registry, named as helm's and oras's flags are.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from blueprintc.oci import HttpPolicy

REGISTRY_IO_OPTIONS = [
    click.option(
        "--timeout",
        metavar="DURATION",
        help="Per-request registry timeout (30, 90s, 2m; env BLUEPRINTC_REGISTRY_TIMEOUT; "
        "default 30s).",
    ),
    click.option(
        "--deadline",
        metavar="DURATION",
        help="Budget for all registry I/O of the command (env BLUEPRINTC_REGISTRY_DEADLINE; "
        "default 10m).",
    ),
    click.option(
        "--retry-times",
        type=click.IntRange(0, 100),
        help="Retries of a throttled (429) or failing (502/503/504, reset) request "
        "(env BLUEPRINTC_REGISTRY_RETRIES; default 5).",
    ),
    click.option(
        "--plain-http",
        is_flag=True,
        help="Speak plain HTTP to the registry (default: only to 127.0.0.1/localhost).",
    ),
    click.option(
        "--insecure-skip-tls-verify",
        is_flag=True,
        help="Use HTTPS but do not verify the registry's certificate (testing only).",
    ),
    click.option(
        "--ca-file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Verify the registry's certificate with the CA certificates in this PEM file.",
    ),
]
_TLS_KEY = "blueprintc.registry_tls"


def with_registry_io(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the registry I/O options to a command. The TLS ones are kept on the click
    context for ``registry_policy``; the command sees timeout, deadline and retries."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        tls = {k: kwargs.pop(k) for k in ("plain_http", "insecure_skip_tls_verify", "ca_file")}
        if tls["plain_http"] and (tls["insecure_skip_tls_verify"] or tls["ca_file"]):
            raise click.UsageError(
                "--plain-http speaks no TLS: drop --insecure-skip-tls-verify and --ca-file, "
                "or drop --plain-http"
            )
        click.get_current_context().meta[_TLS_KEY] = tls
        return func(*args, **kwargs)

    for option in reversed(REGISTRY_IO_OPTIONS):
        command = option(command)
    return command


def registry_policy(timeout: str | None, deadline: str | None, retries: int | None) -> HttpPolicy:
    """The policy from the flags over the environment (raises ``PolicyError``: exit 2)."""
    from dataclasses import replace

    from blueprintc.oci import HttpPolicy

    policy = HttpPolicy.from_env(timeout=timeout, deadline=deadline, retries=retries)
    context = click.get_current_context(silent=True)
    tls = context.meta.get(_TLS_KEY) if context is not None else None
    if not tls:
        return policy
    return replace(
        policy,
        # TLS options mean HTTPS, even to a loopback host (plain HTTP by default)
        plain_http=True
        if tls["plain_http"]
        else (False if tls["insecure_skip_tls_verify"] or tls["ca_file"] else None),
        insecure_skip_tls_verify=bool(tls["insecure_skip_tls_verify"]),
        ca_file=str(tls["ca_file"]) if tls["ca_file"] is not None else None,
    )
