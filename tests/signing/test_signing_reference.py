"""Repository names as cosign records them in `docker-reference`."""

from __future__ import annotations

import pytest

from blueprintc.signing.errors import ImageReferenceError
from blueprintc.signing.reference import repository_name

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("image", "name"),
    [
        ("busybox", "index.docker.io/library/busybox"),
        ("busybox:1.36", "index.docker.io/library/busybox"),
        ("docker.io/busybox", "index.docker.io/library/busybox"),
        ("user/app", "index.docker.io/user/app"),
        ("ghcr.io/org/app:v1", "ghcr.io/org/app"),
        (f"ghcr.io/org/app@{DIGEST}", "ghcr.io/org/app"),
        (f"ghcr.io/org/app:v1@{DIGEST}", "ghcr.io/org/app"),
        ("localhost:5000/app", "localhost:5000/app"),
        ("localhost:5000/app:1", "localhost:5000/app"),
        (
            "192.168.64.2:5000/cosign-signed-single-sample",
            "192.168.64.2:5000/cosign-signed-single-sample",
        ),
        ("[::1]:5000/a/b", "[::1]:5000/a/b"),
        # Like go-containerregistry: without '.' or ':', the first part is a path, not a host.
        ("localhost/app", "index.docker.io/localhost/app"),
    ],
)
def test_repository_name(image: str, name: str) -> None:
    assert repository_name(image) == name


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("", "must be 2-255"),
        ("Upper/Case", "must be 2-255"),
        ("a", "must be 2-255"),
        ("ghcr.io/app:bad tag", "not a valid tag"),
        ("ghcr.io/app@", "at most one"),
        ("ghcr.io/app@a@b", "at most one"),
        ("bad_host.io:x:y/app", "not a valid registry host"),
    ],
)
def test_invalid_references_are_refused(image: str, message: str) -> None:
    with pytest.raises(ImageReferenceError, match=message):
        repository_name(image)
