"""Security contexts as the API server validates them (`validate.security_contexts`): a
privileged container that may not escalate (a hardened default merged with values that
make the container privileged), CAP_SYS_ADMIN beside it, seccomp profiles, ID ranges."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found
from tests.validate.workloads import workload

POD = "spec.template.spec"
HARDENED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def _workload(
    kind: str = "Deployment", pod: dict[str, Any] | None = None, **context: Any
) -> dict[str, Any]:
    return workload({"securityContext": context}, kind, **(pod or {}))


def test_the_contexts_charts_write_pass() -> None:
    pod = {"securityContext": {"runAsUser": 1000, "fsGroup": 65534, "supplementalGroups": [0, 5]}}
    assert check_object(_workload(pod=pod, **HARDENED, runAsNonRoot=True)) == []
    assert check_object(_workload(privileged=True, allowPrivilegeEscalation=True)) == []
    assert check_object(_workload(privileged=True)) == []
    sys_admin = {"capabilities": {"add": ["SYS_ADMIN"]}, "allowPrivilegeEscalation": True}
    assert check_object(_workload(**sys_admin)) == []
    local = {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/web.json"}}
    assert check_object(_workload(**local)) == []
    assert check_object(_workload(seccompProfile={"type": "RuntimeDefault"})) == []


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_a_privileged_container_that_may_not_escalate_is_refused(kind: str) -> None:
    found = _found(_workload(kind, **HARDENED, privileged=True))
    assert list(found) == [f"{POD}.containers[0].securityContext"]
    assert found[f"{POD}.containers[0].securityContext"].startswith(
        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
    )


def test_cap_sys_admin_that_may_not_escalate_is_refused() -> None:
    context = {"allowPrivilegeEscalation": False, "capabilities": {"add": ["CAP_SYS_ADMIN"]}}
    assert _found(_workload(**context)) == {
        f"{POD}.containers[0].securityContext": "cannot set `allowPrivilegeEscalation` to "
        "false and `capabilities.Add` CAP_SYS_ADMIN"
    }


def test_seccomp_profiles_and_ids() -> None:
    assert _found(_workload(seccompProfile={"type": "Localhost"})) == {
        f"{POD}.containers[0].securityContext.seccompProfile.localhostProfile": "Required "
        "value: must be set when seccomp type is Localhost"
    }
    pod = {
        "securityContext": {
            "seccompProfile": {"type": "RuntimeDefault", "localhostProfile": "p.json"}
        }
    }
    assert list(_found(_workload(pod=pod))) == [
        f"{POD}.securityContext.seccompProfile.localhostProfile"
    ]
    pod = {"securityContext": {"fsGroup": -1, "supplementalGroups": [1, 4294967295]}}
    assert _found(_workload(pod=pod, runAsUser=-1)) == {
        f"{POD}.securityContext.fsGroup": "-1: must be between 0 and 2147483647, inclusive",
        f"{POD}.securityContext.supplementalGroups[1]": "4294967295: must be between 0 and "
        "2147483647, inclusive",
        f"{POD}.containers[0].securityContext.runAsUser": "-1: must be between 0 and "
        "2147483647, inclusive",
    }
