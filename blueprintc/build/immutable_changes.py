"""BPG019 under `lint --since REF`: a field no upgrade may change, changed since the ref.

A chart's change can change what the API server never lets change on an installed
object (`immutable_fields`): a StatefulSet's claim template asking for `20Gi` where it
asked for `8Gi`, a selector that gained a label, a binding's role, a Service made
headless, a line of an immutable ConfigMap's file. Helm's upgrade of the
release then fails (`spec: Forbidden: updates to statefulset spec for fields other than
'replicas', ...`), and Flux leaves the HelmRelease failed until the object is deleted by
hand. chart-testing finds it by installing the old chart and upgrading to the new one
(`ct install --upgrade`); lint finds it by rendering both (`base_charts`): the chart's
defaults, or its CI overlay for a requires-overlay chart. Each object in both renders
(same apiVersion, kind, namespace and name; hooks left out) whose immutable fields
differ is reported where the current chart writes the field.
"""

from __future__ import annotations

from blueprintc.build.base_charts import ChartPair, default_render
from blueprintc.diagnostics import Finding
from blueprintc.helm import RenderedObject
from blueprintc.rules.guards.immutable_fields import first_difference, immutable_fields, refusal
from blueprintc.rules.guards.manifest_refusals import release_identity
from blueprintc.rules.guards.object_sources import object_location
from blueprintc.rules.guards.version_in_immutable import shown_change


def immutable_changes(pair: ChartPair) -> list[Finding]:
    """A finding for every immutable field the chart changes since the base."""
    now, then = default_render(pair.now), default_render(pair.then)
    if now is None or then is None:
        return []
    before = {release_identity(obj): obj for obj in then.objects()}
    found = []
    for obj in now.objects():
        identity = release_identity(obj)
        old = before.get(identity) if identity is not None else None
        if old is None:
            continue  # new, or a hook: created anew
        fields, old_fields = immutable_fields(obj.body, old.body), immutable_fields(old.body)
        for field in [*old_fields, *(f for f in fields if f not in old_fields)]:
            changed = first_difference(old_fields.get(field), fields.get(field), field)
            if changed is not None:
                found.append(_finding(pair, obj, old, field, changed))
    return found


def _finding(
    pair: ChartPair, obj: RenderedObject, old: RenderedObject, field: str, changed: str
) -> Finding:
    change = shown_change(old.body, obj.body, changed, pair.since)
    message = (
        f"{obj.kind} {obj.name}: `{changed}` {change}; "
        f"the API server refuses any change to `{field}` of an installed {obj.kind} "
        f"(`{refusal(obj.kind, field)}`): the upgrade to this version fails, and Flux leaves "
        "the HelmRelease failed"
    )
    hint = (
        f"keep `{field}` as it was; to change it, rename the {obj.kind} (a new object) or "
        f"delete it once before the upgrade{_REMEDIES.get(obj.kind, '')}"
    )
    return Finding(message, object_location(pair.now, obj, changed), hint)


# How each kind is changed all the same, after the hint's "rename it or delete it once".
_REMEDIES = {
    "StatefulSet": " (with `kubectl delete --cascade=orphan`, which keeps its pods and "
    "volumes; a claim grows by patching the PersistentVolumeClaim itself)",
    "PersistentVolumeClaim": " (a claim grows by patching the PersistentVolumeClaim itself)",
    "ConfigMap": " (a name that holds a hash of the data, as kustomize's configMapGenerator "
    "gives it, makes each change a new ConfigMap)",
    "Service": " (a Service that writes no `clusterIP` keeps the address it has)",
}
