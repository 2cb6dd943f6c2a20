"""A PersistentVolumeClaim's access modes and storage request as the API server validates
them (`validate.persistent_claims`): values that empty either fail the install."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found
from tests.validate.workloads import workload


def _claim(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": spec,
    }


REQUESTS = {"requests": {"storage": "8Gi"}}


def test_the_claims_charts_write_pass() -> None:
    assert check_object(_claim(accessModes=["ReadWriteOnce"], resources=REQUESTS)) == []
    sized = {"requests": {"storage": "${DATA_SIZE}"}}  # Flux substitutes it
    assert check_object(_claim(accessModes=["ReadWriteOnce"], resources=sized)) == []
    sts = workload(kind="StatefulSet")
    template = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}
    template["spec"]["resources"] = REQUESTS
    sts["spec"]["volumeClaimTemplates"] = [template]
    assert check_object(sts) == []


def test_a_claim_without_access_modes_or_storage_is_refused() -> None:
    assert _found(_claim(accessModes=[], resources={})) == {
        "spec.accessModes": "Required value: at least 1 access mode is required",
        "spec.resources": "Required value: a claim requests its storage (`storage: 8Gi`)",
    }
    assert _found(_claim(accessModes=["ReadWriteOnce"], resources={"requests": {}})) == {
        "spec.resources.requests": "Required value: a claim requests its storage (`storage: 8Gi`)"
    }
    for zero in ("0", 0, "0Gi"):
        found = _found(
            _claim(accessModes=["ReadWriteOnce"], resources={"requests": {"storage": zero}})
        )
        assert found == {"spec.resources.requests.storage": f"{zero!r}: must be greater than zero"}


def test_a_statefulsets_claim_template_is_checked_too() -> None:
    sts = workload(kind="StatefulSet")
    sts["spec"]["volumeClaimTemplates"] = [
        {"metadata": {"name": "data"}, "spec": {"resources": REQUESTS}}
    ]
    assert _found(sts) == {
        "spec.volumeClaimTemplates[0].spec.accessModes": "Required value: at least 1 access "
        "mode is required"
    }
