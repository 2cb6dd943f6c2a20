"""What a release owns once installed: each rendered object but its hooks, by API group,
kind, namespace (as the chart writes it; "" for none) and name.

Helm records those objects as the release's and refuses to install any that already
exists without its ownership labels (`exists and cannot be imported into the current
release: invalid ownership metadata`); hooks it creates apart, each time they run.
"""

from __future__ import annotations

from blueprintc.crds import object_kind
from blueprintc.helm import Render

ObjectKey = tuple[str, str, str, str]  # (group, kind, namespace or "", name)
HOOK_ANNOTATION = "helm.sh/hook"


def owned_objects(render: Render) -> tuple[ObjectKey, ...]:
    """The release's objects in `render`, sorted, each once."""
    found = set()
    for obj in render.objects():
        metadata = obj.body.get("metadata")
        if not isinstance(metadata, dict) or not obj.name:
            continue
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict) and HOOK_ANNOTATION in annotations:
            continue
        group, kind = object_kind(obj)
        found.add((group, kind, str(metadata.get("namespace") or ""), obj.name))
    return tuple(sorted(found))
