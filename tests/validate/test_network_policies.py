"""A NetworkPolicy's peers and ports as the API server validates them
(`validate.network_policies`): an IP block that is no CIDR or whose `except` leaves it,
a peer naming nothing or an IP block beside a selector, an `endPort` out of place."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found

RULE = "spec.ingress[0]"


def _policy(*peers: dict[str, Any], ports: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"from": list(peers)}
    if ports is not None:
        rule["ports"] = ports
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "web"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [rule]},
    }


def test_the_policies_charts_write_pass() -> None:
    peers = [
        {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "010.2.0.0/16"]}},
        {"ipBlock": {"cidr": "2001:db8::/32"}},
        {"namespaceSelector": {"matchLabels": {"team": "a"}}, "podSelector": {}},
        {"ipBlock": {"cidr": "${ALLOWED_CIDR}"}},
    ]
    ports = [{"port": 443}, {"port": 30000, "endPort": 32767}, {"port": "https"}]
    assert check_object(_policy(*peers, ports=ports)) == []


def test_an_ip_block_that_is_no_cidr_or_whose_except_leaves_it_is_refused() -> None:
    peers = [
        {"ipBlock": {"cidr": "10.0.0.1"}},
        {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["192.168.0.0/16", "10.0.0.0/8", "x"]}},
    ]
    found = _found(_policy(*peers))
    assert found == {
        f"{RULE}.from[0].ipBlock.cidr": "'10.0.0.1': must be a valid CIDR value, (e.g. "
        "10.9.8.0/24 or 2001:db8::/64)",
        f"{RULE}.from[1].ipBlock.except[0]": "'192.168.0.0/16': must be a strict subset of "
        "`cidr` (10.0.0.0/8)",
        f"{RULE}.from[1].ipBlock.except[1]": "'10.0.0.0/8': must be a strict subset of `cidr` "
        "(10.0.0.0/8)",
        f"{RULE}.from[1].ipBlock.except[2]": "'x': must be a valid CIDR value, (e.g. "
        "10.9.8.0/24 or 2001:db8::/64)",
    }


def test_a_peer_names_one_kind_of_peer() -> None:
    both = {"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}
    assert _found(_policy({}, both)) == {
        f"{RULE}.from[0]": "Required value: must specify a peer (a podSelector, "
        "namespaceSelector, ipBlock)",
        f"{RULE}.from[1]": "Forbidden: may not specify both ipBlock and another peer",
    }


def test_an_end_port_needs_a_numeric_port_below_it() -> None:
    ports = [{"endPort": 80}, {"port": "https", "endPort": 8443}, {"port": 9000, "endPort": 8000}]
    ports.append({"port": "8080"})
    assert _found(_policy({"podSelector": {}}, ports=ports)) == {
        f"{RULE}.ports[0].endPort": "80: may not be specified when `port` is not specified",
        f"{RULE}.ports[1].endPort": "8443: may not be specified when `port` is non-numeric",
        f"{RULE}.ports[2].endPort": "8000: must be greater than or equal to `port` (9000)",
        f"{RULE}.ports[3].port": "'8080': must contain at least one letter (a-z) (a port "
        "number is an integer: unquoted, no `| quote`)",
    }
