"""Options several commands share, declared once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def output_format(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|json` (default text) into the `output_format` parameter; `help`
    says what the JSON document holds."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


kube_version = click.option(
    "--kube-version",
    metavar="VERSION",
    help="Validate objects against this Kubernetes version's schemas "
    "(default: blueprintc.yaml's kubernetesVersion, else 1.32.0).",
)
schema_locations = click.option(
    "--schema-location",
    "schema_locations",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="A directory of extra schemas for kinds blueprintc does not carry: CRD manifests, "
    "or <group>/<kind>_<version>.json files (repeatable; after blueprintc.yaml's "
    "schemaLocations; local only).",
)


def check_kube_version(given: str | None, root: Path) -> None:
    """The Kubernetes version to validate against must be one whose schemas are carried:
    else one line, exit 2, before anything is read or written."""
    from blueprintc.source import InputError
    from blueprintc.workspace import Workspace, load_workspace

    version, where = given, "--kube-version"
    if version is None:
        try:
            version, where = load_workspace(root).kubernetes_version, "kubernetesVersion"
        except InputError:
            return  # the command reports blueprintc.yaml itself
    if version == Workspace.kubernetes_version:
        return  # carried: a sealed compile need not load the schema machinery to know it
    from blueprintc.validate.kubernetes import schema_set_for

    try:
        schema_set_for(version)
    except ValueError as exc:
        click.echo(f"blueprintc: error: {where}: {exc}", err=True)
        sys.exit(2)


def check_schema_locations(given: tuple[Path, ...], root: Path) -> None:
    """Every schema location (blueprintc.yaml's, then --schema-location) is a directory of
    readable schemas: else one line naming the file, exit 2, before anything is written."""
    from blueprintc.source import InputError
    from blueprintc.workspace import load_workspace

    try:
        locations = load_workspace(root).schema_locations
    except InputError:
        return  # the command reports blueprintc.yaml itself
    locations += tuple(p.resolve() for p in given)
    if not locations:
        return
    from blueprintc.validate.extra_schemas import SchemaLocationError, load_locations

    try:
        load_locations(locations)
    except SchemaLocationError as exc:
        click.echo(f"blueprintc: error: {exc}", err=True)
        sys.exit(2)
