"""Where the kinds the API server's checks read keep their parts: an apiVersion's group,
a kind's pod spec, a pod spec's containers. One table for every check that walks a pod
(`object_meta`, `pod_volumes`, `probes`, `quantities`, `supported_values`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# The kinds with a pod template at `spec.template` (and a selector at `spec.selector`).
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
# Where each kind that runs pods keeps the pod's spec.
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    **{kind: ("spec", "template", "spec") for kind in WORKLOAD_KINDS},
}
# A pod's containers that run (ephemeral ones are added for debugging, not by charts).
POD_CONTAINERS = ("containers", "initContainers")


def api_group(api_version: str) -> str:
    """`apps` of `apps/v1`; the core group (`v1`) is the empty string."""
    return api_version.partition("/")[0] if "/" in api_version else ""


def containers_of(
    pod: dict[str, Any], fields: tuple[str, ...]
) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """The containers of a pod spec's `fields` (`containers`, `initContainers`, ...), in
    that order, each with its field and index."""
    for field in fields:
        containers = pod.get(field)
        for index, container in enumerate(containers if isinstance(containers, list) else ()):
            if isinstance(container, dict):
                yield field, index, container
