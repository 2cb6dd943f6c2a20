"""Where objects name images, and an image reference split into its parts as
go-containerregistry (non-strict) and the container runtimes read it, without judging
them: a rendered image is never refused here (`signing.reference` validates the parts
for cosign).

- `@<digest>` ends the reference; then a trailing `:<tag>` is the tag when the part
  after the last `:` holds no `/` (so `host:5000/repo` keeps its port).
- The first path component is a registry only if it contains `.` or `:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The names Docker Hub answers to; none written means Docker Hub too.
DOCKER_HUB_NAMES = ("", "docker.io", "index.docker.io", "registry-1.docker.io")


@dataclass(frozen=True)
class ImageName:
    registry: str  # "" when the reference names none
    repository: str
    tag: str | None  # "" when written empty (`app:`)
    digest: str | None

    @property
    def on_docker_hub(self) -> bool:
        return self.registry in DOCKER_HUB_NAMES

    @property
    def hub_repository(self) -> str:
        """The repository as Docker Hub names it: a one-part name is `library/<name>`."""
        return self.repository if "/" in self.repository else f"library/{self.repository}"


def split_image(image: str) -> ImageName:
    """The parts of `image`; a tag written empty (`app:`) is "", none written is None."""
    base, at, digest = image.partition("@")
    head, colon, tag = base.rpartition(":")
    written = bool(colon) and "/" not in tag
    if written:
        base = head
    first, slash, rest = base.partition("/")
    registry, repository = ("", base)
    if slash and ("." in first or ":" in first):
        registry, repository = first, rest
    return ImageName(registry, repository, tag if written else None, digest if at else None)


def image_fields(body: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every `image:` string of an object (containers', and custom resources'), with its
    path (`spec.template.spec.containers[0].image`)."""
    if isinstance(body, dict):
        for key, value in body.items():
            here = f"{path}.{key}" if path else str(key)
            if key == "image" and isinstance(value, str):
                yield here, value
            else:
                yield from image_fields(value, here)
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from image_fields(item, f"{path}[{index}]")
