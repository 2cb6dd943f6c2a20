"""An image its publisher no longer serves: the pull fails, and the pods never start.

Bitnami stopped serving versioned tags under docker.io/bitnami in September 2025:
every tag but `latest` (of a few images) moved to docker.io/bitnamilegacy, where it
gets no more updates (bitnami/containers#83267). Charts kept their defaults, so a
Bitnami chart, or a chart that vendors one (a PostgreSQL, a Redis beside the app),
renders an image that is gone (`docker.io/bitnami/postgresql:16.4.0-debian-12-r0:
not found`, ErrImagePull). The platform's repository took two fixes for it after
installs failed (openova-io/openova#198, #231).

Checked in every values set's render (the default, each `ci/*values.yaml`, `--values`)
and in a Kustomize Blueprint's build: the chart's own image at the template line that
writes it, an upstream's all together at its Chart.yaml entry. An image pinned by
digest is left alone (whether the digest still pulls is not known here), and so is a
tag the publisher still serves, and an image another project still publishes there
(Sealed Secrets' controller and kubeseal: bitnami-labs/sealed-secrets#1785). Compile
checks the values a kit entry, an overlay or an Application's config writes, at the
value that brings the image in (a repository, a whole image, a tag).

Failing: `charts/postgresql` renders `docker.io/bitnami/postgresql:16.4.0-debian-12-r0`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.helm import Render, RenderedObject
from blueprintc.image_names import image_fields, split_image
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_support import manifest_location
from blueprintc.rules.guards.object_sources import by_source, object_location, values_key
from blueprintc.rules.guards.rendered_objects import DEFAULT, checked_renders
from blueprintc.rules.guards.value_origin import value_origin


@dataclass(frozen=True)
class RetiredNamespace:
    """A Docker Hub namespace whose publisher took its tags away, but `kept`, and but the
    repositories another project publishes there (`unaffected`)."""

    namespace: str
    kept: frozenset[str]
    unaffected: frozenset[str]
    moved_to: str
    why: str


RETIRED = (
    RetiredNamespace(
        "bitnami",
        frozenset({"latest"}),
        # Sealed Secrets (bitnami-labs) publishes its own images there, untouched by the
        # catalog change (bitnami-labs/sealed-secrets#1785).
        frozenset({"sealed-secrets-controller", "sealed-secrets-kubeseal"}),
        "bitnamilegacy",
        "Bitnami serves no versioned tag under docker.io/bitnami since September 2025 "
        "(bitnami/containers#83267)",
    ),
)


@rule(
    "BPG024",
    "retired-image",
    Severity.ERROR,
    "a rendered image is one its publisher no longer serves (a versioned tag under "
    "docker.io/bitnami): the pull fails",
    "pull it from where the publisher moved it (docker.io/bitnamilegacy, no more updates) "
    "or move to a maintained image",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    seen: set[tuple[Location, str]] = set()
    for finding in _findings(ctx):
        key = (finding.location, finding.message)
        if key not in seen:  # the same template in another values set's render
            seen.add(key)
            yield finding


def _findings(ctx: BlueprintContext) -> Iterator[Finding]:
    if ctx.blueprint.manifest_kind == "kustomize":
        for body in ctx.kustomize_build.objects:
            for _, image in image_fields(body):
                retired = retired_namespace(image)
                if retired is not None:
                    yield Finding(gone(image, retired), manifest_location(ctx, body))
        return
    for render, _, label, _ in checked_renders(ctx):
        suffix = f" (rendered with {label})" if label else ""
        found = retired_images(render)
        objects = [obj for obj, _ in found.values()]
        for upstream, group in by_source(ctx, objects):
            if upstream is None:
                obj = group[0]
                for path, image, retired in found[id(obj)][1]:
                    # Where the values set it, when a template prints it from them.
                    place = value_origin(ctx, obj, path, label or DEFAULT)
                    yield Finding(
                        gone(image, retired) + suffix,
                        place or object_location(ctx, obj, path),
                        hint=moved_hint(image, retired),
                    )
                continue
            images = sorted({image for obj in group for _, image, _ in found[id(obj)][1]})
            retired = found[id(group[0])][1][0][2]
            name, key = upstream.get("name"), values_key(upstream)
            yield Finding(
                f"the upstream {name} renders {len(images)} image(s) that are gone: "
                f"{', '.join(images)}; {retired.why}, so the pull fails{suffix}",
                object_location(ctx, group[0]),
                hint=f"set each image's repository in values.yaml under `{key}:` to "
                f"{retired.moved_to}/<name> (a Bitnami chart's `image.repository`; one whose "
                "`common` predates August 2025 also needs `global.security.allowInsecureImages:"
                " true`, later ones only warn), or take a version of the upstream that uses "
                "maintained images",
            )


RetiredImages = list[tuple[str, str, RetiredNamespace]]  # (path, image, namespace)


def retired_images(render: Render) -> dict[int, tuple[RenderedObject, RetiredImages]]:
    """The render's objects that pull a retired image, by id, with those images: only
    the templates whose text names a retired namespace are parsed."""
    found: dict[int, tuple[RenderedObject, RetiredImages]] = {}
    for namespace in RETIRED:
        for obj in render.objects_mentioning(namespace.namespace):
            images = [
                (path, image, retired)
                for path, image in image_fields(obj.body)
                if (retired := retired_namespace(image)) is not None
            ]
            if images:
                found[id(obj)] = (obj, images)
    return found


def retired_namespace(image: str) -> RetiredNamespace | None:
    """The retired namespace whose tag `image` pulls; None for any other image, and for
    one pinned by digest."""
    name = split_image(image.strip())
    if name.digest is not None or not name.on_docker_hub:
        return None
    namespace, _, repository = name.hub_repository.partition("/")
    for retired in RETIRED:
        if (
            namespace == retired.namespace
            and (name.tag or "latest") not in retired.kept
            and repository not in retired.unaffected
        ):
            return retired
    return None


def gone(image: str, retired: RetiredNamespace) -> str:
    return f"{image} is gone: {retired.why}, so the pull fails (ErrImagePull)"


def moved_hint(image: str, retired: RetiredNamespace) -> str:
    return (
        f"pull it from {_moved(image, retired)} (the same tags, no more updates) until a "
        "maintained image replaces it"
    )


def _moved(image: str, retired: RetiredNamespace) -> str:
    name = split_image(image.strip())
    rest = name.hub_repository.split("/", 1)[1]
    return f"docker.io/{retired.moved_to}/{rest}:{name.tag}"


RULE = check
