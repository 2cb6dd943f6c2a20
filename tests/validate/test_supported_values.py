"""Fields that take one of a few words (`validate.supported_values`): the carried schemas
type them as plain strings; the API server refuses a case slip (`imagePullPolicy:
always`, `type: loadbalancer`) and a Job without a restart policy (kubernetes#41194)."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found
from tests.validate.workloads import workload as _workload

POD = "spec.template.spec"


def test_the_words_the_api_server_takes_pass() -> None:
    container = {"imagePullPolicy": "IfNotPresent", "ports": [{"containerPort": 80}]}
    container["ports"][0]["protocol"] = "UDP"
    assert check_object(_workload(container, dnsPolicy="ClusterFirst")) == []
    job = _workload(kind="Job", api_version="batch/v1", restartPolicy="OnFailure")
    del job["spec"]["selector"]
    assert check_object(job) == []
    assert check_object(_workload({"imagePullPolicy": "${PULL_POLICY}"})) == []


@pytest.mark.parametrize(
    ("container", "pod", "path", "meant"),
    [
        ({"imagePullPolicy": "always"}, {}, f"{POD}.containers[0].imagePullPolicy", "Always"),
        (
            {"ports": [{"containerPort": 80, "protocol": "tcp"}]},
            {},
            f"{POD}.containers[0].ports[0].protocol",
            "TCP",
        ),
        ({}, {"dnsPolicy": "Clusterfirst"}, f"{POD}.dnsPolicy", "ClusterFirst"),
        ({}, {"tolerations": [{"operator": "exists"}]}, f"{POD}.tolerations[0].operator", "Exists"),
    ],
)
def test_a_word_in_the_wrong_case_is_refused_with_the_right_one(
    container: dict[str, Any], pod: dict[str, Any], path: str, meant: str
) -> None:
    found = _found(_workload(container, **pod))
    assert [p for p, _ in found] == [path]
    assert found[0][1].startswith("Unsupported value:")
    assert found[0][1].endswith(f"(write {meant})")


def test_a_services_type_is_one_of_four() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "loadbalancer", "ports": [{"port": 80}]},
    }
    assert _found(service) == [
        (
            "spec.type",
            "Unsupported value: 'loadbalancer': supported values: \"ClusterIP\", "
            '"ExternalName", "LoadBalancer", "NodePort" (write LoadBalancer)',
        )
    ]


def test_a_pod_templates_restart_policy_depends_on_its_owner() -> None:
    assert _found(_workload(restartPolicy="Never")) == [
        (f"{POD}.restartPolicy", "Unsupported value: 'Never': supported values: \"Always\"")
    ]
    job = _workload(kind="Job", api_version="batch/v1")
    del job["spec"]["selector"]
    found = _found(job)
    assert [p for p, _ in found] == [f"{POD}.restartPolicy"]
    assert found[0][1].startswith('Required value: valid values: "OnFailure", "Never"')
    job["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    assert [p for p, _ in _found(job)] == [f"{POD}.restartPolicy"]


def test_a_custom_resource_of_the_same_kind_is_left_alone() -> None:
    other = {"apiVersion": "example.io/v1", "kind": "Service", "metadata": {"name": "a"}}
    other["spec"] = {"type": "whatever"}
    assert all(e.path != "spec.type" for e in check_object(other))
