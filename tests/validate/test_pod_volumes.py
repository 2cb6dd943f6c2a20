"""A pod template's volumes and mounts the API server refuses (`validate.pod_volumes`),
though its schema passes them: a mount of a volume the pod does not declare (the chart
bug of helm/charts#11659 and grafana/helm-charts#1428), duplicate names, a mount path
twice."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found
from tests.validate.workloads import workload

POD = "spec.template.spec"


def _workload(
    kind: str = "Deployment",
    volumes: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    **pod: Any,
) -> dict[str, Any]:
    return workload({"volumeMounts": mounts or []}, kind, volumes=volumes or [], **pod)


DATA = {"name": "data", "emptyDir": {}}


def test_mounts_of_declared_volumes_pass() -> None:
    mounts = [{"name": "data", "mountPath": "/data"}, {"name": "data", "mountPath": "/cache"}]
    assert check_object(_workload(volumes=[DATA], mounts=mounts)) == []


def test_a_mount_of_a_volume_the_pod_does_not_declare_is_refused() -> None:
    mounts = [{"name": "config", "mountPath": "/etc/app"}]
    assert _found(_workload(volumes=[DATA], mounts=mounts)) == [
        (
            f"{POD}.containers[0].volumeMounts[0].name",
            "'config': Not found: the pod declares no volume of this name (its volumes: data)",
        )
    ]
    assert "(its volumes: none)" in _found(_workload(mounts=mounts))[0][1]


def test_duplicate_volumes_containers_and_mount_paths_are_refused() -> None:
    volumes = [
        DATA,
        {"name": "data", "configMap": {"name": "x"}},
        {"name": "my_cfg", "emptyDir": {}},
    ]
    mounts = [{"name": "data", "mountPath": "/data"}, {"name": "my_cfg", "mountPath": "/data"}]
    sidecar = {"name": "web", "image": "r/side:1.0.0"}
    obj = _workload(volumes=volumes, mounts=mounts)
    obj["spec"]["template"]["spec"]["initContainers"] = [sidecar]
    assert [path for path, _ in _found(obj)] == [
        f"{POD}.containers[0].volumeMounts[1].mountPath",
        f"{POD}.initContainers[0].name",
        f"{POD}.volumes[1].name",
        f"{POD}.volumes[2].name",
    ]


def test_a_statefulsets_claim_templates_and_flux_variables_are_left_alone() -> None:
    """A StatefulSet's mount may name a claim template; a volume named `${NAME}` is
    Flux's to fill, so no mount is judged against the names."""
    mounts = [{"name": "pvc", "mountPath": "/data"}]
    assert check_object(_workload("StatefulSet", mounts=mounts)) == []
    volumes = [{"name": "${VOLUME}", "emptyDir": {}}]
    assert check_object(_workload(volumes=volumes, mounts=mounts)) == []
