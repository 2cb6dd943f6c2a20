"""`blueprintc keygen` and `blueprintc verify`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from blueprintc.cli import verbosity
from blueprintc.cli.registry_io import registry_policy, with_registry_io
from blueprintc.jsondoc import json_document


@click.command()
@click.option(
    "-d",
    "--directory",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to write cosign.key and cosign.pub.",
)
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
@click.option(
    "--openpgp",
    is_flag=True,
    help="Write openpgp.key and openpgp.pub instead: the OpenPGP key `deliver --signing-key` "
    "signs commits with (passphrase from $BLUEPRINTC_SIGNING_PASSPHRASE; needs gpg).",
)
@click.option(
    "--uid",
    default="blueprintc deliver <blueprintc@localhost>",
    show_default=True,
    help="User ID of the OpenPGP key (with --openpgp).",
)
def keygen(directory: Path, force: bool, openpgp: bool, uid: str) -> None:
    """Write a cosign key pair ($COSIGN_PASSWORD), or with --openpgp a commit-signing key."""
    from blueprintc.build import BuildError, write_key_pair
    from blueprintc.build.keys import PASSWORD_ENV, password_from_env
    from blueprintc.emit.ownership import check_directory

    check_directory(directory, "key directory")  # two named files, nothing deleted
    if openpgp:
        _openpgp_keygen(directory, uid, force)
        return
    try:
        password = password_from_env()
    except BuildError:
        if not sys.stdin.isatty():
            click.echo(f"error: set {PASSWORD_ENV} (empty for no password)", err=True)
            sys.exit(2)
        password = click.prompt(
            "Password for the private key", hide_input=True, confirmation_prompt=True
        )
    try:
        private, public = write_key_pair(directory, password, force=force)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not verbosity.quiet():
        click.echo(f"Private key written to {private}")
        click.echo(f"Public key written to {public}")


def _openpgp_keygen(directory: Path, uid: str, force: bool) -> None:
    from blueprintc.build import BuildError
    from blueprintc.build.keys import check_key_files, write_key_files
    from blueprintc.deliver.errors import DeliverError
    from blueprintc.deliver.signing import (
        PASSPHRASE_ENV,
        PRIVATE_KEY_FILE,
        PUBLIC_KEY_FILE,
        generate_key,
    )

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not sys.stdin.isatty():
            click.echo(f"error: set {PASSPHRASE_ENV} (empty for no passphrase)", err=True)
            sys.exit(2)
        passphrase = click.prompt(
            "Passphrase for the OpenPGP key", hide_input=True, confirmation_prompt=True
        )
    private, public = directory / PRIVATE_KEY_FILE, directory / PUBLIC_KEY_FILE
    try:
        check_key_files(directory, private, public, force)  # before gpg's seconds
        secret, certificate = generate_key(uid, passphrase)
        write_key_files(private, secret, public, certificate, force=force)
    except (BuildError, DeliverError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not verbosity.quiet():
        click.echo(f"Private key written to {private}")
        click.echo(f"Public key written to {public} (for the Sovereign's spec.git.signingKeys)")


@click.command()
@click.argument("reference")
@click.option(
    "--key", type=click.Path(path_type=Path), required=True, help="cosign.pub to verify with."
)
@click.option(
    "--layout",
    type=click.Path(path_type=Path),
    help="OCI layout holding REFERENCE (repo:tag); default out/oci.",
)
@click.option("--identity", help="Repository the signatures must name (default: REFERENCE's).")
@click.option("--no-sbom", is_flag=True, help="Accept an artifact without an SBOM (trees).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@with_registry_io
def verify(
    reference: str,
    key: Path,
    layout: Path | None,
    identity: str | None,
    no_sbom: bool,
    output_format: str,
    timeout: str | None,
    deadline: str | None,
    retry_times: int | None,
) -> None:
    """Verify signature, digest binding, identity, content and SBOM of REFERENCE.

    REFERENCE is oci://host/repo:tag[@sha256:...] or, in a layout, repo:tag.
    Exit 0 verified, 1 a check failed, 2 bad input or a registry that could
    not answer (nothing was verified either way).
    """
    from blueprintc.build import BuildError, verify_reference
    from blueprintc.oci import OCIError, RegistryError

    try:
        result = verify_reference(
            reference,
            key,
            layout=layout,
            identity=identity,
            require_sbom=not no_sbom,
            policy=registry_policy(timeout, deadline, retry_times),
        )
    except RegistryError as exc:
        click.echo(f"error: could not verify (nothing was verified): {exc}", err=True)
        sys.exit(2)
    except (BuildError, OCIError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output_format == "json":
        checks = [{"check": c.name, "ok": c.ok, "message": c.message} for c in result.checks]
        doc = {"reference": result.reference, "digest": result.digest, "ok": result.ok}
        click.echo(json_document("verify", {**doc, "checks": checks}), nl=False)
    else:
        click.echo(f"{result.reference}: {'verified' if result.ok else 'NOT VERIFIED'}")
        for check in result.checks:
            if check.ok and verbosity.quiet():
                continue
            click.echo(f"  {'ok  ' if check.ok else 'FAIL'} {check.name}: {check.message}")
    sys.exit(0 if result.ok else 1)
