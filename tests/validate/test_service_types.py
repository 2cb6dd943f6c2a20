"""A Service's fields that only some types take (`validate.services`): what a
values file that makes a LoadBalancer Service a ClusterIP one leaves behind, and the
other type-dependent fields the API server refuses though the schema passes them."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found

PORT = {"name": "http", "port": 80, "targetPort": "http"}


def _service(**spec: Any) -> dict[str, Any]:
    spec.setdefault("ports", [PORT])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}


def test_each_type_with_its_own_fields_passes() -> None:
    services = [
        _service(),
        _service(type="ClusterIP", clusterIP="None", ports=[]),  # headless, no ports
        _service(clusterIPs=["None"], ports=[]),  # headless by its list alone
        _service(type="ClusterIP", externalIPs=["203.0.113.7"], externalTrafficPolicy="Local"),
        _service(
            type="NodePort", externalTrafficPolicy="Local", ports=[{**PORT, "nodePort": 30080}]
        ),
        _service(
            type="LoadBalancer",
            externalTrafficPolicy="Local",
            healthCheckNodePort=32000,
            loadBalancerSourceRanges=["10.0.0.0/8", " 192.168.010.0/24", "2001:db8::/64"],
            loadBalancerClass="example.org/lb",
            allocateLoadBalancerNodePorts=False,
        ),
        _service(type="ExternalName", externalName="db.example.org.", ports=[]),
        _service(
            sessionAffinity="ClientIP",
            sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86400}},
        ),
        _service(
            ports=[{**PORT, "nodePort": None}],
            externalTrafficPolicy="",
            loadBalancerSourceRanges=[],
        ),
        _service(type="${SERVICE_TYPE}", externalTrafficPolicy="Local"),  # Flux substitutes it
    ]
    for service in services:
        assert check_object(service) == [], service["spec"]


def test_a_load_balancers_fields_on_a_cluster_ip_service_are_refused() -> None:
    """Traefik's values with `type: ClusterIP` kept `externalTrafficPolicy: Local`."""
    found = _found(
        _service(
            ports=[{**PORT, "nodePort": 30080}],
            externalTrafficPolicy="Local",
            loadBalancerSourceRanges=["10.0.0.0/8"],
            healthCheckNodePort=32000,
        )
    )
    assert found == {
        "spec.externalTrafficPolicy": "'Local': may only be set for externally-accessible "
        "services (a ClusterIP Service is not: leave it out, or make the Service a NodePort "
        "or LoadBalancer one)",
        "spec.ports[0].nodePort": "Forbidden: may not be used when `type` is 'ClusterIP' (set "
        "`type: NodePort` or `LoadBalancer`, or leave the node port out)",
        "spec.loadBalancerSourceRanges": "Forbidden: may only be used when `type` is "
        "'LoadBalancer' (it is ClusterIP)",
        "spec.healthCheckNodePort": "32000: may only be set when `type` is 'LoadBalancer' "
        "and `externalTrafficPolicy` is 'Local'",
    }


@pytest.mark.parametrize("kind", ["LoadBalancer", "NodePort"])
def test_a_headless_load_balancer_or_node_port_is_refused(kind: str) -> None:
    assert _found(_service(type=kind, clusterIP="None")) == {
        "spec.clusterIP": f"'None': may not be set to 'None' for {kind} services"
    }


def test_ports_a_name_and_node_ports() -> None:
    assert list(_found(_service(ports=[]))) == ["spec.ports"]
    assert list(_found(_service(ports=None, type="NodePort"))) == ["spec.ports"]
    external = _found(_service(type="ExternalName", clusterIP="10.0.0.1", ports=[]))
    assert external == {
        "spec.externalName": "Required value: an ExternalName Service names a DNS name",
        "spec.clusterIP": "Forbidden: may not be set for ExternalName services",
    }
    assert list(_found(_service(type="ExternalName", externalName="https://db"))) == [
        "spec.externalName"
    ]
    twice = [{**PORT, "nodePort": 30080}, {"name": "https", "port": 443, "nodePort": 30080}]
    assert _found(_service(type="NodePort", ports=twice)) == {
        "spec.ports[1].nodePort": "30080: Duplicate value: another port has this node port"
    }


def test_source_ranges_and_affinity_timeouts() -> None:
    ranges = ["10.0.0.1", "10.0.0.0/255.0.0.0", "10.0.0.0/33", "any"]
    found = _found(_service(type="LoadBalancer", loadBalancerSourceRanges=ranges))
    assert sorted(found) == [f"spec.loadBalancerSourceRanges[{i}]" for i in range(4)]
    config = {"clientIP": {"timeoutSeconds": 0}}
    assert _found(_service(sessionAffinity="ClientIP", sessionAffinityConfig=config)) == {
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds": "0: must be greater than 0 and "
        "less than 86400"
    }


def test_an_unknown_type_is_left_to_its_own_finding() -> None:
    found = _found(_service(type="loadbalancer", externalTrafficPolicy="Local"))
    assert list(found) == ["spec.type"]
