"""What a release owns once installed: each rendered object but its hooks, by API group,
kind, namespace (as the chart writes it; "" for none) and name.

Helm records those objects as the release's and deletes them when the release is
uninstalled or stops rendering them, but those annotated `helm.sh/resource-policy:
keep`, which are left out here; hooks it creates apart, each time they run.
"""

from __future__ import annotations

from typing import Any

from blueprintc.crds import object_kind
from blueprintc.helm import Render

ObjectKey = tuple[str, str, str, str]  # (group, kind, namespace or "", name)
HOOK_ANNOTATION = "helm.sh/hook"
RESOURCE_POLICY = "helm.sh/resource-policy"


def owned_objects(render: Render) -> tuple[ObjectKey, ...]:
    """The release's objects in `render`, sorted, each once."""
    found = set()
    for obj in render.objects():
        metadata = obj.body.get("metadata")
        if not isinstance(metadata, dict) or not obj.name:
            continue
        if not released(metadata):
            continue
        group, kind = object_kind(obj)
        found.add((group, kind, str(metadata.get("namespace") or ""), obj.name))
    return tuple(sorted(found))


def kept(metadata: Any) -> bool:
    """Whether an object's metadata says Helm keeps it when its release lets it go."""
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return isinstance(annotations, dict) and annotations.get(RESOURCE_POLICY) == "keep"


def is_hook(metadata: Any) -> bool:
    """Whether an object's metadata makes it a hook, which Helm creates apart from the
    release's objects, each time it runs."""
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return isinstance(annotations, dict) and HOOK_ANNOTATION in annotations


def released(metadata: Any) -> bool:
    """Whether Helm deletes the object with its release: not a hook, and not kept."""
    return not is_hook(metadata) and not kept(metadata)
