"""A Service as the API server validates it: its ports, and the fields only some types
take.

Each port is named (a DNS-1123 label) when there are several, no name or (port,
protocol) twice, a port number in 1 to 65535, a target port a number or a port's name.

The schema passes every field on every type; the API server refuses a field the type
does not take. The classic cases are a chart's values turning a LoadBalancer or
NodePort Service into a ClusterIP one while keeping what only those take:
`externalTrafficPolicy: Local` (`may only be set for externally-accessible services`:
Traefik's values with `type: ClusterIP`, a LiveKit overlay), a `nodePort`
(`nodePort: Forbidden: may not be used when \\`type\\` is 'ClusterIP'`: the Redis and
Traefik manifests of many issue threads), `loadBalancerSourceRanges`. Also refused: a
Service with no ports that is neither headless nor ExternalName, a headless
LoadBalancer or NodePort Service, an ExternalName Service without a DNS name or with a
cluster IP, a node port given twice, a source range that is no CIDR, a client-IP
affinity timeout outside 1 to 86400 seconds.

An unset `type` is ClusterIP, as the API server defaults it; a type it does not know
(`loadbalancer`) is `supported_values`' to report, and nothing here judges the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.addresses import parse_cidr
from blueprintc.validate.label_text import (
    Problem,
    dns1123_label_problem,
    plain,
    port_problem,
    subdomain_problem,
)

_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_LOAD_BALANCER_ONLY = (
    "loadBalancerSourceRanges",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
)
_MAX_AFFINITY_SECONDS = 86_400


def service_type_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """The problems of a v1 Service's `spec` with the fields its type does not take."""
    kind = spec.get("type") or "ClusterIP"
    if kind not in _TYPES:
        return
    ports = spec.get("ports")
    ports = [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
    headless = spec.get("clusterIP") == "None" or spec.get("clusterIPs") == ["None"]
    if not ports and not headless and kind != "ExternalName":
        yield (
            "spec.ports",
            f"Required value: a {kind} Service needs a port (only a headless one, "
            "`clusterIP: None`, or an ExternalName one may have none)",
        )
    if headless and kind in ("LoadBalancer", "NodePort"):
        yield "spec.clusterIP", f"'None': may not be set to 'None' for {kind} services"
    if kind == "ExternalName":
        yield from _external_name(spec)
    yield from _node_ports(ports, kind)
    for field in _LOAD_BALANCER_ONLY:
        if kind != "LoadBalancer" and _given(spec.get(field)):
            message = f"Forbidden: may only be used when `type` is 'LoadBalancer' (it is {kind})"
            yield f"spec.{field}", message
    yield from _source_ranges(spec.get("loadBalancerSourceRanges"))
    yield from _traffic_policy(spec, kind)
    yield from _affinity(spec)


def _external_name(spec: dict[str, Any]) -> Iterator[Problem]:
    name = spec.get("externalName")
    if name is None or name == "":
        yield "spec.externalName", "Required value: an ExternalName Service names a DNS name"
    elif (host := plain(name)) and (problem := subdomain_problem(host.removesuffix("."))):
        yield "spec.externalName", f"{name!r}: {problem}"
    for field in ("clusterIP", "ipFamilies", "ipFamilyPolicy"):
        if _given(spec.get(field)):
            yield f"spec.{field}", "Forbidden: may not be set for ExternalName services"


def _node_ports(ports: list[dict[str, Any]], kind: str) -> Iterator[Problem]:
    seen: set[tuple[Any, int]] = set()
    for index, port in enumerate(ports):
        node_port = port.get("nodePort")
        if not isinstance(node_port, int) or isinstance(node_port, bool) or node_port == 0:
            continue
        at = f"spec.ports[{index}].nodePort"
        if kind == "ClusterIP":
            yield (
                at,
                "Forbidden: may not be used when `type` is 'ClusterIP' (set `type: NodePort` "
                "or `LoadBalancer`, or leave the node port out)",
            )
        key = (port.get("protocol") or "TCP", node_port)
        if key in seen:
            yield at, f"{node_port}: Duplicate value: another port has this node port"
        seen.add(key)


def _source_ranges(ranges: Any) -> Iterator[Problem]:
    for index, value in enumerate(ranges if isinstance(ranges, list) else ()):
        if (text := plain(value)) is not None and parse_cidr(text.strip()) is None:
            yield (
                f"spec.loadBalancerSourceRanges[{index}]",
                f"{value!r}: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            )


def _traffic_policy(spec: dict[str, Any], kind: str) -> Iterator[Problem]:
    policy = spec.get("externalTrafficPolicy")
    external_ips = spec.get("externalIPs")
    accessible = kind in ("LoadBalancer", "NodePort") or (
        kind == "ClusterIP" and isinstance(external_ips, list) and bool(external_ips)
    )
    if isinstance(policy, str) and policy and not accessible:
        yield (
            "spec.externalTrafficPolicy",
            f"{policy!r}: may only be set for externally-accessible services (a {kind} "
            "Service is not: leave it out, or make the Service a NodePort or LoadBalancer one)",
        )
    check_port = spec.get("healthCheckNodePort")
    checked = kind == "LoadBalancer" and policy == "Local"
    if _given(check_port) and check_port != 0 and not checked:
        yield (
            "spec.healthCheckNodePort",
            f"{check_port!r}: may only be set when `type` is 'LoadBalancer' and "
            "`externalTrafficPolicy` is 'Local'",
        )


def _affinity(spec: dict[str, Any]) -> Iterator[Problem]:
    if spec.get("sessionAffinity") != "ClientIP":
        return
    at = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
    config = spec.get("sessionAffinityConfig")
    client_ip = config.get("clientIP") if isinstance(config, dict) else None
    timeout = client_ip.get("timeoutSeconds") if isinstance(client_ip, dict) else None
    if isinstance(timeout, int) and not 0 < timeout <= _MAX_AFFINITY_SECONDS:
        yield at, f"{timeout}: must be greater than 0 and less than {_MAX_AFFINITY_SECONDS}"


def _given(value: Any) -> bool:
    """Set, as the API server reads it: not null, not an empty string or list."""
    return value is not None and value != "" and value != []


def service_port_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """Each port's name (a DNS-1123 label; required of each when there are several; not
    repeated), and each (port, protocol) once."""
    ports = spec.get("ports")
    ports = [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
    names: set[str] = set()
    numbers: set[tuple[Any, Any]] = set()
    for index, port in enumerate(ports):
        at = f"spec.ports[{index}]"
        name = port.get("name")
        if len(ports) > 1 and (name is None or name == ""):
            yield f"{at}.name", "Required value: a Service with more than one port names each"
        elif (name := plain(name)) is not None:
            if name in names:
                yield f"{at}.name", f"{name!r}: Duplicate value: another port has this name"
            elif problem := dns1123_label_problem(name):
                yield f"{at}.name", f"{name!r}: {problem}"
            names.add(name)
        number, protocol = port.get("port"), port.get("protocol") or "TCP"
        if problem := port_problem(number, named=False):
            yield f"{at}.port", f"{number!r}: {problem}"
        target = port.get("targetPort")
        if target != 0 and (problem := port_problem(target, named=True)):
            yield f"{at}.targetPort", f"{target!r}: {problem}"  # 0: defaulted to `port`
        if isinstance(number, int) and isinstance(protocol, str) and "${" not in protocol:
            if (number, protocol) in numbers:
                yield at, f"Duplicate value: another port is {number}/{protocol}"
            numbers.add((number, protocol))
