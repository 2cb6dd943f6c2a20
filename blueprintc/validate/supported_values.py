"""Fields that take one of a few words, as the API server checks them.

The schemas blueprintc carries type these fields as plain strings, with no `enum`; the
API server refuses any other word (`Unsupported value: "always": supported values:
"Always", "IfNotPresent", "Never"`), so a case slip in a chart (`imagePullPolicy:
always`, `type: loadbalancer`, `protocol: tcp`) fails the install. A pod template's
`restartPolicy` also depends on its owner: a Deployment's, StatefulSet's or DaemonSet's
must be Always, a Job's OnFailure or Never (and a Job must give one: unset, it is
defaulted to Always and refused).

An empty or unset field is left alone (the API server gives it its default first), and
so is a value holding `${` (Flux substitutes it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.label_text import Problem
from blueprintc.validate.object_shapes import POD_SPEC_PATHS, api_group

_PULL = ("Always", "IfNotPresent", "Never")
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_SCHEMES = ("HTTP", "HTTPS")
_SECCOMP = ("Localhost", "RuntimeDefault", "Unconfined")
_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
_VOLUME_MODES = ("Block", "Filesystem")
_ROLLING = ("OnDelete", "RollingUpdate")

# Of a pod spec: (path below the pod spec, "*" for each item, the words it takes).
_CONTAINER = (
    ("imagePullPolicy", _PULL),
    ("ports.*.protocol", _PROTOCOLS),
    ("livenessProbe.httpGet.scheme", _SCHEMES),
    ("readinessProbe.httpGet.scheme", _SCHEMES),
    ("startupProbe.httpGet.scheme", _SCHEMES),
    ("terminationMessagePolicy", ("FallbackToLogsOnError", "File")),
    ("securityContext.seccompProfile.type", _SECCOMP),
)
_POD = (
    *(
        (f"{field}.*.{path}", words)
        for field in ("containers", "initContainers")
        for path, words in _CONTAINER
    ),
    ("dnsPolicy", ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")),
    ("tolerations.*.operator", ("Equal", "Exists")),
    ("tolerations.*.effect", ("NoExecute", "NoSchedule", "PreferNoSchedule")),
    ("securityContext.seccompProfile.type", _SECCOMP),
    ("preemptionPolicy", ("Never", "PreemptLowerPriority")),
    ("volumes.*.ephemeral.volumeClaimTemplate.spec.accessModes.*", _ACCESS_MODES),
)
# Of an object's own fields, by kind.
_KINDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "Service": (
        ("spec.type", ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")),
        ("spec.externalTrafficPolicy", ("Cluster", "Local")),
        ("spec.internalTrafficPolicy", ("Cluster", "Local")),
        ("spec.sessionAffinity", ("ClientIP", "None")),
        ("spec.ipFamilyPolicy", ("PreferDualStack", "RequireDualStack", "SingleStack")),
        ("spec.ports.*.protocol", _PROTOCOLS),
    ),
    "Deployment": (("spec.strategy.type", ("Recreate", "RollingUpdate")),),
    "StatefulSet": (
        ("spec.podManagementPolicy", ("OrderedReady", "Parallel")),
        ("spec.updateStrategy.type", _ROLLING),
        ("spec.volumeClaimTemplates.*.spec.accessModes.*", _ACCESS_MODES),
        ("spec.volumeClaimTemplates.*.spec.volumeMode", _VOLUME_MODES),
    ),
    "DaemonSet": (("spec.updateStrategy.type", _ROLLING),),
    "CronJob": (("spec.concurrencyPolicy", ("Allow", "Forbid", "Replace")),),
    "PersistentVolumeClaim": (
        ("spec.accessModes.*", _ACCESS_MODES),
        ("spec.volumeMode", _VOLUME_MODES),
    ),
    "Ingress": (
        ("spec.rules.*.http.paths.*.pathType", ("Exact", "ImplementationSpecific", "Prefix")),
    ),
    "NetworkPolicy": (
        ("spec.policyTypes.*", ("Egress", "Ingress")),
        ("spec.ingress.*.ports.*.protocol", _PROTOCOLS),
        ("spec.egress.*.ports.*.protocol", _PROTOCOLS),
    ),
    "PodDisruptionBudget": (
        ("spec.unhealthyPodEvictionPolicy", ("AlwaysAllow", "IfHealthyBudget")),
    ),
}
_GROUPS = {
    "Service": "",
    "PersistentVolumeClaim": "",
    "Pod": "",
    "Deployment": "apps",
    "StatefulSet": "apps",
    "DaemonSet": "apps",
    "ReplicaSet": "apps",
    "Job": "batch",
    "CronJob": "batch",
    "Ingress": "networking.k8s.io",
    "NetworkPolicy": "networking.k8s.io",
    "PodDisruptionBudget": "policy",
}
_RESTART = {
    "Pod": ("Always", "Never", "OnFailure"),
    "Job": ("OnFailure", "Never"),  # in the API server's order
    "CronJob": ("OnFailure", "Never"),
}


Words = tuple[str, ...]
Tree = dict[str, "Tree | Words"]  # a path's parts as nested keys ("*": each item), words last


def _tree(patterns: Iterator[tuple[str, Words]]) -> Tree:
    """The patterns of a kind as one tree, so that each object is walked once."""
    tree: Tree = {}
    for pattern, words in patterns:
        *parents, last = pattern.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[last] = words
    return tree


def _kind_patterns(kind: str) -> Iterator[tuple[str, Words]]:
    yield from _KINDS.get(kind, ())
    pod_path = POD_SPEC_PATHS.get(kind)
    if pod_path is not None:
        pod_at = ".".join(pod_path)
        yield from ((f"{pod_at}.{pattern}", words) for pattern, words in _POD)
        yield f"{pod_at}.restartPolicy", _RESTART.get(kind, ("Always",))


_TREES = {kind: _tree(_kind_patterns(kind)) for kind in _GROUPS}


def supported_value_problems(obj: dict[str, Any]) -> list[Problem]:
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not isinstance(kind, str) or kind not in _GROUPS or not isinstance(api_version, str):
        return []
    if api_group(api_version) != _GROUPS[kind]:
        return []
    found: list[Problem] = []
    _walk(obj, _TREES[kind], None, found)
    if kind in ("Job", "CronJob"):
        found.extend(_job_restart_policy(obj, POD_SPEC_PATHS[kind], _RESTART[kind]))
    return found


def _walk(node: Any, tree: Tree, at: Any, found: list[Problem]) -> None:
    """Check the values of `node` that `tree` names; `at` is the path so far, as nested
    (parent, part) pairs: made into text only for a value refused."""
    for key, below in tree.items():
        if key == "*":
            for index, item in enumerate(node if isinstance(node, list) else ()):
                _visit(item, below, (at, index), found)
        elif isinstance(node, dict) and key in node:
            _visit(node[key], below, (at, key), found)


def _visit(value: Any, below: Tree | Words, at: Any, found: list[Problem]) -> None:
    if isinstance(below, dict):
        _walk(value, below, at, found)
    elif isinstance(value, str) and value and "${" not in value and value not in below:
        found.append((_path(at), unsupported_value(value, below)))


def _path(at: Any) -> str:
    parts = []
    while at is not None:
        at, part = at
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(reversed(parts)).lstrip(".")


def _job_restart_policy(obj: Any, pod_path: tuple[str, ...], words: Words) -> Iterator[Problem]:
    pod_at = ".".join(pod_path)
    pod = value_at(obj, pod_path)
    if isinstance(pod, dict) and pod.get("restartPolicy") in (None, ""):
        supported = ", ".join(f'"{word}"' for word in words)
        yield (
            f"{pod_at}.restartPolicy",
            f"Required value: valid values: {supported} (unset, it is defaulted to Always, "
            "which a Job's pods may not have)",
        )


def unsupported_value(value: str, words: Words) -> str:
    """The API server's `Unsupported value` message, with the word meant for a case slip."""
    supported = ", ".join(f'"{word}"' for word in words)
    meant = [word for word in words if word.lower() == value.lower()]
    hint = f" (write {meant[0]})" if meant else ""
    return f"Unsupported value: {value!r}: supported values: {supported}{hint}"
