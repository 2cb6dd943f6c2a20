"""What a pod's volume is, as the API server validates it: one volume type each, and the
Secret, ConfigMap or claim it names by a name that is not empty.

The schema passes a volume with `emptyDir` and `persistentVolumeClaim` both; the API
server refuses it (`may not specify more than 1 volume type`). Helm makes such volumes:
values that replace a chart's default volume (`persistence.existingClaim` over its
`emptyDir: {}`) are merged into it, not put in its place. It also refuses a Secret
volume whose `secretName` is empty, a ConfigMap volume's empty `name` and a claim's
empty `claimName`: the `existingSecret: ""` or `existingClaim: ""` default rendered
into the reference, which `required` or an `if` should have caught.

A StatefulSet's pods are refused alike, when it creates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem

# A VolumeSource's types (Kubernetes 1.32).
_TYPES = (
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "hostPath",
    "image",
    "iscsi",
    "nfs",
    "persistentVolumeClaim",
    "photonPersistentDisk",
    "portworxVolume",
    "projected",
    "quobyte",
    "rbd",
    "scaleIO",
    "secret",
    "storageos",
    "vsphereVolume",
)
# The type, and the key of the object it names, which may not be empty.
_NAMED = (("secret", "secretName"), ("configMap", "name"), ("persistentVolumeClaim", "claimName"))
_EMPTY_NAME = (
    "Required value: the {kind}'s name is empty (the value that names it has no default: "
    "give it one, or render this volume only when it is set)"
)
_KINDS = {"secret": "Secret", "configMap": "ConfigMap", "persistentVolumeClaim": "claim"}


def volume_source_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The volumes of the pod spec `pod` (at path `at`) with no type or several, or an
    empty name of what they mount. (Paths are made only for a problem.)"""
    volumes = pod.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not isinstance(volume, dict):
            continue
        given = [name for name in _TYPES if volume.get(name) is not None]
        where = f"{at}.volumes[{index}]"
        if not given:
            yield where, "Required value: must specify a volume type"
        elif len(given) > 1:
            yield (
                where,
                f"Forbidden: may not specify more than 1 volume type (it has "
                f"{' and '.join(given)}: values that replace a chart's default volume merge "
                "into it; set the one not meant to null)",
            )
        for kind, key in _NAMED:
            source = volume.get(kind)
            if isinstance(source, dict) and _empty(source.get(key)):
                yield f"{where}.{kind}.{key}", _EMPTY_NAME.format(kind=_KINDS[kind])
        yield from _projected(volume.get("projected"), f"{where}.projected")


def _projected(projected: Any, at: str) -> Iterator[Problem]:
    sources = projected.get("sources") if isinstance(projected, dict) else None
    for index, source in enumerate(sources if isinstance(sources, list) else ()):
        for kind in ("secret", "configMap"):
            reference = source.get(kind) if isinstance(source, dict) else None
            if isinstance(reference, dict) and _empty(reference.get("name")):
                where = f"{at}.sources[{index}].{kind}.name"
                yield where, _EMPTY_NAME.format(kind=_KINDS[kind])


def _empty(name: Any) -> bool:
    """Left out, null or empty: the name the API server reads is ""."""
    return name is None or name == ""
