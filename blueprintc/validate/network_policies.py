"""A NetworkPolicy's peers and ports as the API server validates them (its selectors are
`label_selectors`').

The schema passes an `ipBlock.cidr` that is no CIDR (`10.0.0.0/33`, a bare `10.0.0.1`),
an `except` outside its block, a peer naming an IP block beside a pod or namespace
selector, a peer naming nothing (`- {}` from a values list rendered empty: in `from:`
it would allow all, so the API server refuses it), an `endPort` without a numeric
`port` or below it, and a port out of range. A platform's network-policy Blueprints
render these from values: each is refused at install.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.addresses import parse_cidr
from blueprintc.validate.label_text import Problem, port_problem

_CIDR_WORDS = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
_SELECTORS = ("podSelector", "namespaceSelector")


def network_policy_problems(obj: dict[str, Any]) -> list[Problem]:
    """The peer and port problems of a networking.k8s.io NetworkPolicy (none for any
    other object)."""
    api_version, spec = obj.get("apiVersion"), obj.get("spec")
    if obj.get("kind") != "NetworkPolicy" or not isinstance(spec, dict):
        return []
    if not (isinstance(api_version, str) and api_version.startswith("networking.k8s.io/")):
        return []
    found: list[Problem] = []
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(direction)
        for index, rule in enumerate(rules if isinstance(rules, list) else ()):
            if not isinstance(rule, dict):
                continue
            at = f"spec.{direction}[{index}]"
            entries = rule.get(peers)
            for number, peer in enumerate(entries if isinstance(entries, list) else ()):
                if isinstance(peer, dict):
                    found.extend(_peer(peer, f"{at}.{peers}[{number}]"))
            ports = rule.get("ports")
            for number, port in enumerate(ports if isinstance(ports, list) else ()):
                if isinstance(port, dict):
                    found.extend(_port(port, f"{at}.ports[{number}]"))
    return found


def _peer(peer: dict[str, Any], at: str) -> Iterator[Problem]:
    block = peer.get("ipBlock")
    given = [name for name in (*_SELECTORS, "ipBlock") if peer.get(name) is not None]
    if not given:
        yield at, "Required value: must specify a peer (a podSelector, namespaceSelector, ipBlock)"
    elif block is not None and len(given) > 1:
        yield at, "Forbidden: may not specify both ipBlock and another peer"
    if isinstance(block, dict):
        yield from _block(block, f"{at}.ipBlock")


def _block(block: dict[str, Any], at: str) -> Iterator[Problem]:
    cidr = block.get("cidr")
    if not isinstance(cidr, str) or "${" in cidr:
        return  # left out: the schema's; substituted: Flux's
    if cidr == "":
        yield f"{at}.cidr", "Required value"
        return
    network = parse_cidr(cidr)
    if network is None:
        yield f"{at}.cidr", f"{cidr!r}: {_CIDR_WORDS}"
        return
    excepted = block.get("except")
    for index, text in enumerate(excepted if isinstance(excepted, list) else ()):
        if not isinstance(text, str) or "${" in text:
            continue
        inner = parse_cidr(text)
        where = f"{at}.except[{index}]"
        if inner is None:
            yield where, f"{text!r}: {_CIDR_WORDS}"
        elif not _strict_subset(inner, network):
            yield where, f"{text!r}: must be a strict subset of `cidr` ({cidr})"


def _strict_subset(inner: Any, outer: Any) -> bool:
    """Go's check: the outer network holds the inner one's address, with a shorter mask."""
    return (
        inner.version == outer.version
        and inner.network_address in outer
        and outer.prefixlen < inner.prefixlen
    )


def _port(port: dict[str, Any], at: str) -> Iterator[Problem]:
    number, end = port.get("port"), port.get("endPort")
    if number is not None and (problem := port_problem(number, named=True)):
        yield f"{at}.port", f"{number!r}: {problem}"
    if not isinstance(end, int) or isinstance(end, bool):
        return
    if number is None:
        yield f"{at}.endPort", f"{end}: may not be specified when `port` is not specified"
    elif isinstance(number, str):
        yield f"{at}.endPort", f"{end}: may not be specified when `port` is non-numeric"
    elif isinstance(number, int) and end < number:
        yield f"{at}.endPort", f"{end}: must be greater than or equal to `port` ({number})"
    elif problem := port_problem(end, named=False):
        yield f"{at}.endPort", f"{end}: {problem}"
