"""The registry I/O options every command that talks to a registry shares.

``--timeout`` (per request, like helm's), ``--deadline`` (all the command's
registry I/O) and ``--retry-times`` (like skopeo's); each defaults to its
``BLUEPRINTC_REGISTRY_*`` environment variable, then to ``HttpPolicy``'s default.
"""

from __future__ import annotations

from collections.abc import Callable
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
]


def with_registry_io(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the registry I/O options to a command."""
    for option in reversed(REGISTRY_IO_OPTIONS):
        func = option(func)
    return func


def registry_policy(timeout: str | None, deadline: str | None, retries: int | None) -> HttpPolicy:
    """The policy from the flags over the environment (raises ``PolicyError``: exit 2)."""
    from blueprintc.oci import HttpPolicy

    return HttpPolicy.from_env(timeout=timeout, deadline=deadline, retries=retries)
