"""An image reference's parts, as the runtimes read them, never refused (lint's view of a
rendered image; cosign's stricter one is `signing.reference`, which uses the same split)."""

from __future__ import annotations

import pytest

from blueprintc.image_names import ImageName, split_image


@pytest.mark.parametrize(
    ("image", "parts"),
    [
        ("busybox", ("", "busybox", None, None)),
        ("bitnami/postgresql:16.4.0", ("", "bitnami/postgresql", "16.4.0", None)),
        ("docker.io/bitnami/redis:7.2", ("docker.io", "bitnami/redis", "7.2", None)),
        ("host:5000/team/app", ("host:5000", "team/app", None, None)),
        ("host:5000/team/app:v1@sha256:ab", ("host:5000", "team/app", "v1", "sha256:ab")),
        ("ghcr.io/org/app@sha256:ab", ("ghcr.io", "org/app", None, "sha256:ab")),
        ("localhost/app:1", ("", "localhost/app", "1", None)),  # no dot, no port: a path
        ("{{ weird }}:", ("", "{{ weird }}", "", None)),  # a tag written empty
    ],
)
def test_an_image_splits_into_registry_repository_tag_and_digest(
    image: str, parts: tuple[str, str, str | None, str | None]
) -> None:
    assert split_image(image) == ImageName(*parts)


def test_docker_hub_answers_to_four_names_and_adds_library_to_a_one_part_name() -> None:
    for image in (
        "redis",
        "docker.io/redis",
        "index.docker.io/redis",
        "registry-1.docker.io/redis",
    ):
        name = split_image(image)
        assert name.on_docker_hub
        assert name.hub_repository == "library/redis"
    assert not split_image("ghcr.io/bitnami/redis").on_docker_hub
