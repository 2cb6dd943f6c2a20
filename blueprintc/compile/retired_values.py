"""BPG024 at compile: a kit entry's `values:` or an Application's config that makes a
release pull an image its publisher no longer serves (a versioned tag under
docker.io/bitnami), as lint's retired-image guard says it of a Blueprint's own values.

Only a value the Sovereign or the Organization writes is reported, at its line: a
repository (`image.repository: bitnami/kubectl`), a whole image, or a tag put on a
retired repository (`image.tag: "1.31"` where the chart's default is `latest`). An
image that the chart's own defaults already render is the Blueprint's finding, reported
once by lint, not at every release of it.
"""

from __future__ import annotations

from typing import Any

from blueprintc.compile.findings import report
from blueprintc.compile.render_check import RenderFacts
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.image_names import split_image
from blueprintc.mapping import scalars
from blueprintc.plan.values import Merged
from blueprintc.rules.guards.retired_image import gone, moved_hint, retired_namespace
from blueprintc.yamldoc import json_path

# The values layers of the Blueprint's own files (`apps._layers`, `kit_release`).
_BLUEPRINT = ("chart defaults", "configSchema defaults", "size overlay")


def retired_image_values(subject: str, values: Merged, facts: RenderFacts) -> list[Diagnostic]:
    """BPG024 at each value of `values` that names a retired image `facts` renders."""
    found = []
    seen: set[tuple[Location, str]] = set()
    for path, text in scalars(values.value):
        if not isinstance(text, str):
            continue
        for kind, _, image in facts.retired_images:
            if not _names(path, text, image):
                continue
            origin = next((o for o in values.explain(path) if o.line is not None), None)
            if origin is None or origin.line is None or origin.layer.startswith(_BLUEPRINT):
                continue  # the Blueprint's own value: its lint says so
            where = Location(origin.source, origin.line, origin.column or 1, json_path(path))
            retired = retired_namespace(image)
            if retired is None or (where, image) in seen:
                continue
            seen.add((where, image))
            message = f"{gone(image, retired)}: a {kind} of {subject} pulls it"
            found.append(report("BPG024", message, where, moved_hint(image, retired)))
    return found


def _names(path: tuple[Any, ...], text: str, image: str) -> bool:
    """Whether a value `text` at `path` writes `image`: the whole reference, its
    repository (with or without a Docker Hub registry), or its tag under a `*tag` key."""
    wanted = split_image(image.strip())
    written = split_image(text.strip())
    if written.on_docker_hub and written.hub_repository == wanted.hub_repository:
        return True
    key = str(path[-1]).lower() if path else ""
    return bool(wanted.tag) and text.strip() == wanted.tag and key.endswith("tag")
