"""The fields of an installed object that the API server refuses to change.

An upgrade that changes one fails (`helm upgrade` patches each object; Flux's
helm-controller then retries, rolls back, and the HelmRelease stays failed), and the only
way past it is deleting the object by hand. By API group and kind, as the API server
validates an update (apps/v1 and batch/v1 workloads, core claims, RBAC bindings):

- a Deployment's, ReplicaSet's or DaemonSet's `spec.selector` (`field is immutable`);
- a StatefulSet's whole `spec` but the fields it names (`updates to statefulset spec for
  fields other than 'replicas', 'ordinals', 'template', 'updateStrategy',
  'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'
  are forbidden`): its selector, service name and volume claim templates;
- a Job's `spec.selector` and `spec.template`, unless it is removed after it finishes
  (`ttlSecondsAfterFinished`: the next upgrade then creates it again);
- a PersistentVolumeClaim's `spec` but its requests and volume attributes class;
- a RoleBinding's or ClusterRoleBinding's `roleRef` (`cannot change roleRef`);
- a StorageClass's `provisioner`, `parameters`, `reclaimPolicy` and
  `volumeBindingMode` (`parameters: Forbidden: updates to parameters are forbidden`:
  rook's, Longhorn's and synology-csi's charts failed upgrades on it);
- a Secret's `type` (none is `Opaque`, as the API server defaults it);
- a Service's `spec.clusterIP` once the cluster holds one (`may not change once set`), but
  for an ExternalName Service at either end; a Service that writes none keeps the one it
  has (the API server copies it over, `patchAllocatedValues`), so only a written one
  can differ: `clusterIP: None` added to a Service the cluster gave an address (the
  usual way a Service is made headless for a StatefulSet), or another fixed address;
- an `immutable: true` ConfigMap's `data`, `binaryData` and `immutable` itself (`field
  is immutable when `immutable` is set`). A Secret's are left out: its values are
  often random at each render, and a message would show them.

Hooks are left out: Helm creates them anew each time they run.
"""

from __future__ import annotations

from typing import Any

from blueprintc.owned_objects import is_hook

STATEFULSET_MUTABLE = frozenset(
    {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    }
)
CLAIM_MUTABLE = frozenset({"resources", "volumeAttributesClassName"})
# A StorageClass's fixed fields, each with what the API server makes of it left out.
STORAGE_CLASS_FIXED = {
    "provisioner": None,
    "parameters": {},
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "Immediate",
}
_SELECTED = frozenset({"Deployment", "ReplicaSet", "DaemonSet"})
_BINDINGS = frozenset({"RoleBinding", "ClusterRoleBinding"})

# The API server's words for a refused change, by kind.
REFUSALS = {
    "StatefulSet": "spec: Forbidden: updates to statefulset spec for fields other than "
    "'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    "PersistentVolumeClaim": "spec: Forbidden: spec is immutable after creation except "
    "resources.requests and volumeAttributesClassName for bound claims",
    "RoleBinding": "roleRef: Invalid value: ...: cannot change roleRef",
    "ClusterRoleBinding": "roleRef: Invalid value: ...: cannot change roleRef",
    # What API servers with dual-stack Services (1.20 on) say; older ones said
    # `spec.clusterIP: Invalid value: "None": field is immutable`.
    "Service": "spec.clusterIPs[0]: Invalid value: ...: may not change once set",
}
FIELD_IS_IMMUTABLE = "field is immutable"


def immutable_fields(
    body: dict[str, Any], installed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The fields of `body` no update may change, by path (`spec.selector`); none for a
    hook, or a kind whose every field may change. `installed` is the object `body`
    would update (itself when None): which fields are fixed, or the value the API
    server keeps for one left out, can depend on it."""
    installed = body if installed is None else installed
    if is_hook(body.get("metadata")):
        return {}
    api_version, kind = body.get("apiVersion"), body.get("kind")
    spec = body.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if api_version == "apps/v1" and kind in _SELECTED:
        return _present({"spec.selector": spec.get("selector")})
    if api_version == "apps/v1" and kind == "StatefulSet":
        return _present({f"spec.{k}": v for k, v in spec.items() if k not in STATEFULSET_MUTABLE})
    if api_version == "batch/v1" and kind == "Job" and "ttlSecondsAfterFinished" not in spec:
        return _present({f"spec.{k}": spec.get(k) for k in ("selector", "template")})
    if api_version == "v1" and kind == "PersistentVolumeClaim":
        return _present({f"spec.{k}": v for k, v in spec.items() if k not in CLAIM_MUTABLE})
    if api_version == "rbac.authorization.k8s.io/v1" and kind in _BINDINGS:
        return _present({"roleRef": body.get("roleRef")})
    if api_version == "storage.k8s.io/v1" and kind == "StorageClass":
        return _present({k: _or(body.get(k), d) for k, d in STORAGE_CLASS_FIXED.items()})
    if api_version == "v1" and kind == "Secret":
        return {"type": body.get("type") or "Opaque"}
    if api_version == "v1" and kind == "Service":
        return _cluster_address(spec, installed.get("spec"))
    if api_version == "v1" and kind == "ConfigMap" and installed.get("immutable") is True:
        return {
            "immutable": body.get("immutable"),
            "data": body.get("data") or {},
            "binaryData": body.get("binaryData") or {},
        }
    return {}


def refusal(kind: str, field: str) -> str:
    """What the API server says when an update changes `field` of a `kind`."""
    if kind == "StorageClass" and field != "volumeBindingMode":
        return f"{field}: Forbidden: updates to {field} are forbidden"
    if kind == "ConfigMap":
        return f"{field}: Forbidden: field is immutable when `immutable` is set"
    return REFUSALS.get(kind, FIELD_IS_IMMUTABLE)


def first_difference(old: Any, new: Any, path: str) -> str | None:
    """The path of the first leaf where `old` and `new` differ (None: they do not), in
    `old`'s key order, then the keys only `new` has."""
    if old == new:
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            found = first_difference(old.get(key), new.get(key), f"{path}.{key}")
            if found is not None:
                return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            found = first_difference(before, after, f"{path}[{index}]")
            if found is not None:
                return found
    return path


def _cluster_address(spec: dict[str, Any], installed: Any) -> dict[str, Any]:
    """A Service's fixed cluster address: the one it writes, or for one it leaves out
    the installed one, which the API server keeps; none for an ExternalName Service
    (no address) or where neither is written (the cluster's own, which it keeps)."""
    installed = installed if isinstance(installed, dict) else {}
    if "ExternalName" in (spec.get("type"), installed.get("type")):
        return {}
    return _present({"spec.clusterIP": spec.get("clusterIP") or installed.get("clusterIP") or None})


def _or(value: Any, default: Any) -> Any:
    """`value`, or the API server's default for it when it is left out or empty."""
    return default if value is None or value == {} else value


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {path: value for path, value in fields.items() if value is not None}
