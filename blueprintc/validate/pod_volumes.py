"""A pod template's volumes and mounts as the API server validates them.

The schema takes any `volumeMounts[].name`; the API server refuses a Deployment whose
container mounts a volume the pod does not declare (`volumeMounts[0].name: Not found:
"data"`), the classic chart bug of a mount guarded by one condition and its volume by
another (helm/charts#11659, grafana/helm-charts#1428, sonatype/helm3-charts#14). Also
refused: two volumes of one name (an `extraVolumes` repeating the chart's own), a
volume name that is no DNS-1123 label, two containers of one name in a pod, and one
mount path twice in a container.

Only the pod templates the API server validates when the object is created are
checked: a Pod's, a workload's and a CronJob's, not a StatefulSet's (its claim
templates are volumes too, and it validates its pods only when it creates them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem, dns1123_label_problem, plain
from blueprintc.validate.object_shapes import POD_CONTAINERS, containers_of

# Containers first (POD_CONTAINERS): the API server names an init container that
# repeats one of them.


def pod_volume_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The volume and mount problems of the pod spec `pod`, found at path `at`. (Paths
    are made only for a problem: every pod template is asked.)"""
    volumes = pod.get("volumes")
    declared: list[str] = []
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        name = volume.get("name") if isinstance(volume, dict) else None
        if not isinstance(name, str):
            continue
        if plain(name) is not None:
            if name in declared:
                message = f"{name!r}: Duplicate value: another volume has this name"
                yield f"{at}.volumes[{index}].name", message
            elif problem := dns1123_label_problem(name):
                yield f"{at}.volumes[{index}].name", f"{name!r}: {problem}"
        declared.append(name)
    substituted = any(plain(name) is None and name for name in declared)
    names: list[str] = []
    for field, index, container in containers_of(pod, POD_CONTAINERS):
        name = plain(container.get("name"))
        if name is not None:
            if name in names:
                duplicate = "Duplicate value: another container of the pod has this name"
                yield f"{at}.{field}[{index}].name", f"{name!r}: {duplicate}"
            names.append(name)
        mounts = container.get("volumeMounts")
        if mounts and not substituted:
            yield from _mount_problems(mounts, declared, f"{at}.{field}[{index}]")


def _mount_problems(mounts: Any, declared: list[str], at: str) -> Iterator[Problem]:
    paths: set[str] = set()
    for index, mount in enumerate(mounts if isinstance(mounts, list) else ()):
        if not isinstance(mount, dict):
            continue
        where = f"{at}.volumeMounts[{index}]"
        name = plain(mount.get("name"))
        if name is not None and name not in declared:
            known = ", ".join(declared) if declared else "none"
            yield (
                f"{where}.name",
                f"{name!r}: Not found: the pod declares no volume of this name "
                f"(its volumes: {known})",
            )
        path = plain(mount.get("mountPath"))
        if path is not None:
            if path in paths:
                yield f"{where}.mountPath", f"{path!r}: must be unique"
            paths.add(path)
