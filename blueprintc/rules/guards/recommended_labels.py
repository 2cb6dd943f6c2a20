"""Every rendered resource carries the `app.kubernetes.io/*` labels.

Flux, the Catalyst console and every dashboard select by
`app.kubernetes.io/name`, `/instance` and `/managed-by` (canon
`charts.requiredLabels`). A resource without them is invisible to
inventory and garbage collection. Checked on the default render of a Helm
chart (the CI overlay for `requires-overlay` and `default-off` charts), on its
render with each `ci/*values.yaml` and `--values` file (an object a value turns on is
installed as much as a default one; such a finding names the file), and on the
`kubectl kustomize` output of a Kustomize Blueprint.

The labels are how a template is written, so the rule reads the templates
the platform writes: the chart's own, and its own subcharts' (a helper chart,
a `file://` chart in the workspace). An upstream chart's objects are its
maintainers' to label (once `helm dependency build` has vendored it, a real
upstream renders dozens without, such as CRDs, webhooks and hook RBAC, and no
value of the Blueprint could add them); Flux's helm-controller labels every
object it applies for its own inventory.

Failing: a ConfigMap template whose metadata has no labels.

Passing: labels from the chart's `_helpers.tpl` (`{{ include "x.labels" . }}`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.kustomize_support import manifest_location
from blueprintc.rules.guards.object_sources import object_location, upstream_of
from blueprintc.rules.guards.rendered_objects import checked_renders
from blueprintc.rules.guards.support import is_object_list


@rule(
    "BPG008",
    "recommended-labels",
    Severity.ERROR,
    "a rendered resource lacks app.kubernetes.io/* labels",
    "add the labels to the resource's metadata (e.g. via a labels helper in _helpers.tpl)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    required = [str(label) for label in ctx.canon.section("charts").get("requiredLabels", [])]
    if ctx.blueprint.manifest_kind == "kustomize":
        build = ctx.kustomize_build
        for body in build.objects:
            missing = _missing(body, required)
            if missing:
                yield Finding(_message(body, missing), manifest_location(ctx, body))
        return
    seen: set[tuple[Location, str]] = set()
    for render, _, label, _ in checked_renders(ctx):
        for obj in render.objects():
            if upstream_of(ctx, obj) is not None:
                continue
            for body in _resources(obj.body):
                missing = _missing(body, required)
                if not missing:
                    continue
                # At its `labels:` (or `metadata:`) line; a List's item at the List.
                where = object_location(ctx, obj, "metadata.labels" if body is obj.body else "")
                message = _message(body, missing)
                if (where, message) not in seen:  # the same template in another render
                    seen.add((where, message))
                    yield Finding(message + (f" (rendered with {label})" if label else ""), where)


def _resources(body: Any) -> Iterator[Any]:
    """The resource, or the items of a rendered List (Helm applies those, not the List)."""
    if is_object_list(body):
        for item in body["items"]:
            yield from _resources(item)
    elif isinstance(body, dict):
        yield body


def _missing(body: dict[str, Any], required: list[str]) -> list[str]:
    metadata = body.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    labels = labels if isinstance(labels, dict) else {}
    return [label for label in required if label not in labels]


def _message(body: dict[str, Any], missing: list[str]) -> str:
    metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    name = metadata.get("name", "?") if isinstance(metadata, dict) else "?"
    return f"{body.get('kind', '?')} {name} lacks label(s) {', '.join(missing)}"


RULE = check
