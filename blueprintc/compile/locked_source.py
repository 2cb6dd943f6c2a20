"""The Blueprint directory of a locked version the catalog directory no longer holds.

`blueprintc build --publish` attaches every Blueprint's source (its whole directory,
`blueprintc.build.attach.attach_source`) to the published artifact. When
`blueprintc.lock` pins a version the catalog has moved past, compile reads that
source from where the Blueprints are published (`artifacts:` in blueprintc.yaml: a
registry, or an OCI layout; default the out folder's `oci/`), by the version's tag,
and keeps it in the user's cache under the lock's digest. The lock, reviewed in
Git, is the trust anchor: a source whose content digest is not the lock's is refused,
so neither a re-pushed tag nor a tampered cache can change what a gated Environment
runs. Nothing is fetched when the cache already holds the digest.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from blueprintc.compile.reads import InputReads
from blueprintc.workspace import Workspace

_ARCHIVE_LIMIT = 256 * 1024 * 1024


class LockedSourceError(Exception):
    """Why the published source of a locked version could not be had (a sentence)."""


def cache_root() -> Path:
    """`$XDG_CACHE_HOME/blueprintc/locked` (default `~/.cache/blueprintc/locked`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "blueprintc" / "locked"


def artifacts_location(workspace: Workspace) -> str:
    """Where published Blueprints are read from: `artifacts:` (a registry URL, or a
    layout directory relative to the workspace), else the out folder's `oci/`."""
    if workspace.artifacts:
        if workspace.artifacts.startswith("oci://"):
            return workspace.artifacts
        return str(workspace.root / workspace.artifacts)
    from blueprintc.compile.outdir import out_dir

    return str(out_dir(workspace, None) / "oci")


def locked_directory(workspace: Workspace, name: str, version: str, digest: str) -> Path:
    """The directory holding `name` `version` whose content digest is `digest`
    (`sha256:<hex>`): from the cache, else fetched from the published artifacts."""
    hexdigest = digest.removeprefix("sha256:")
    directory = cache_root() / hexdigest
    if directory.is_dir() and _digest_of(directory, workspace) == hexdigest:
        return directory
    layer, where = _fetch(workspace, name, version)
    from blueprintc.oci import UnsafeArchiveError, safe_extract

    work = directory.with_name(f".{hexdigest}.{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    try:
        safe_extract(layer, work, max_bytes=_ARCHIVE_LIMIT)
    except (UnsafeArchiveError, OSError, ValueError) as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise LockedSourceError(
            f"the source of {name} {version} in {where} is unreadable: {exc}"
        ) from None
    found = _digest_of(work, workspace)
    if found != hexdigest:
        shutil.rmtree(work, ignore_errors=True)
        raise LockedSourceError(
            f"the source of {name} {version} in {where} has digest sha256:{found}, not the "
            f"lock's {digest}: it is not the Blueprint the lock pins"
        )
    shutil.rmtree(directory, ignore_errors=True)
    os.replace(work, directory)
    return directory


def _digest_of(directory: Path, workspace: Workspace) -> str:
    from blueprintc.compile.blueprint_digest import identity_digest

    return identity_digest(InputReads(directory, workspace.max_file_bytes), directory)


def _fetch(workspace: Workspace, name: str, version: str) -> tuple[bytes, str]:
    """(the source layer of `name` `version`, where it was read)."""
    from blueprintc.build.attach import stored_source
    from blueprintc.build.errors import BuildError
    from blueprintc.build.target import open_target
    from blueprintc.oci import OCIError, helm_chart_tag

    location = artifacts_location(workspace)
    try:
        if location.startswith("oci://"):
            target = open_target(location)
        else:
            if not Path(location).is_dir():
                raise LockedSourceError(f"nothing is published at {location} (no OCI layout)")
            target = open_target(layout=Path(location))
        repo = target.repo(name)
        shown = target.display
        for tag in dict.fromkeys((helm_chart_tag(version), version)):
            digest = target.store.resolve(repo, tag)
            if digest is None:
                continue
            layer = stored_source(target.store, repo, digest)
            if layer is None:
                raise LockedSourceError(
                    f"{shown} has {name} {version} but not its Blueprint source (published "
                    "before blueprintc attached it): publish it again with this blueprintc"
                )
            return layer, shown
    except (BuildError, OCIError) as exc:
        raise LockedSourceError(f"could not read {name} {version} from {location}: {exc}") from None
    raise LockedSourceError(f"{shown} has no {name} {version}")
