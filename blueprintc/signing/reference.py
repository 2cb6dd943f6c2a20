"""Image reference -> repository name, as cosign writes `docker-reference`.

`cosign sign registry/repo:tag` does not put the reference as typed into the
payload: it writes go-containerregistry's `Repository.Name()`, i.e. the
registry plus repository with the tag or digest dropped and Docker Hub
defaults filled in (`busybox` -> `index.docker.io/library/busybox`). blueprintc
uses the same normalisation when it builds a payload and when it compares an
expected identity with a signed one, so both sides agree with cosign.

Rules (go-containerregistry, pkg/name, non-strict mode):
- `@<digest>` is dropped; then a trailing `:<tag>` is dropped when the part
  after the last `:` holds no `/` (so `host:5000/repo` keeps its port).
- The first path component is a registry only if it contains `.` or `:`.
- No registry, or `docker.io`, means `index.docker.io`; a one-component
  repository there gets the `library/` prefix.
"""

from __future__ import annotations

import re

from blueprintc.image_names import split_image
from blueprintc.signing.errors import ImageReferenceError

DOCKER_HUB = "index.docker.io"
_DOCKER_HUB_ALIAS = "docker.io"
_REPOSITORY = re.compile(r"[a-z0-9_./-]{2,255}")
_TAG = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_REGISTRY = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]+)?")


def repository_name(image: str) -> str:
    """Return the repository name cosign would record for `image`.

    Raises ImageReferenceError when `image` is not a valid reference.
    """
    name = split_image(image)
    if name.digest is not None and ("@" in name.digest or not name.digest):
        raise ImageReferenceError(f"{image!r}: expected at most one '@<digest>' suffix")
    if name.tag is not None and not _TAG.fullmatch(name.tag):
        raise ImageReferenceError(f"{image!r}: {name.tag!r} is not a valid tag")
    registry, repository = name.registry, name.repository
    if registry and not _REGISTRY.fullmatch(registry):
        raise ImageReferenceError(f"{image!r}: {registry!r} is not a valid registry host")
    if not _REPOSITORY.fullmatch(repository):
        raise ImageReferenceError(
            f"{image!r}: the repository {repository!r} must be 2-255 characters of "
            "lowercase letters, digits and '_-./'"
        )
    if registry in ("", _DOCKER_HUB_ALIAS):
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    return f"{registry}/{repository}"
