"""A pod's volumes as the API server validates what they are (`validate.volume_sources`):
one type each (values that replace a chart's default volume merge into it, and the
rendered volume has two), and a Secret, ConfigMap or claim named by a name that is not
empty (the `existingSecret: ""` default rendered into the reference)."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found
from tests.validate.workloads import workload

VOLUMES = "spec.template.spec.volumes"


def _workload(volumes: list[dict[str, Any]], kind: str = "Deployment") -> dict[str, Any]:
    mounts = [{"name": v["name"], "mountPath": f"/mnt/{v['name']}"} for v in volumes]
    return workload({"volumeMounts": mounts}, kind, volumes=volumes)


def test_the_volumes_charts_write_pass() -> None:
    volumes = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
        {"name": "cache", "emptyDir": {}, "persistentVolumeClaim": None},  # nulled, as told
        {"name": "tls", "secret": {"secretName": "web-tls", "optional": True}},
        {"name": "config", "configMap": {"name": "web"}},
        {
            "name": "all",
            "projected": {"sources": [{"secret": {"name": "a"}}, {"configMap": {"name": "b"}}]},
        },
        {"name": "token", "secret": {"secretName": "${TOKEN_SECRET}"}},
    ]
    assert check_object(_workload(volumes)) == []


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_a_default_volume_merged_with_its_replacement_is_refused(kind: str) -> None:
    volumes = [{"name": "data", "emptyDir": {}, "persistentVolumeClaim": {"claimName": "d"}}]
    assert _found(_workload(volumes, kind)) == {
        f"{VOLUMES}[0]": "Forbidden: may not specify more than 1 volume type (it has emptyDir "
        "and persistentVolumeClaim: values that replace a chart's default volume merge into "
        "it; set the one not meant to null)"
    }


def test_a_volume_without_a_type_is_refused() -> None:
    assert _found(_workload([{"name": "data"}])) == {
        f"{VOLUMES}[0]": "Required value: must specify a volume type"
    }


def test_an_empty_secret_configmap_or_claim_name_is_refused() -> None:
    volumes = [
        {"name": "tls", "secret": {"secretName": ""}},
        {"name": "config", "configMap": {"optional": True}},
        {"name": "data", "persistentVolumeClaim": {"claimName": ""}},
        {"name": "all", "projected": {"sources": [{"secret": {"name": None}}]}},
    ]
    found = _found(_workload(volumes))
    assert sorted(found) == [
        f"{VOLUMES}[0].secret.secretName",
        f"{VOLUMES}[1].configMap.name",
        f"{VOLUMES}[2].persistentVolumeClaim.claimName",
        f"{VOLUMES}[3].projected.sources[0].secret.name",
    ]
    assert found[f"{VOLUMES}[0].secret.secretName"].startswith(
        "Required value: the Secret's name is empty"
    )
