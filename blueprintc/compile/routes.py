"""The hosts a release routes: what an ingress controller or a Gateway sends to it.

Read from its render, as the controllers read the objects: an Ingress's
`spec.rules[].host` and a Gateway API route's `spec.hostnames` (HTTPRoute,
GRPCRoute, TLSRoute). Two releases that route one host are an outage, as the
controller sends the host's traffic to one of them (`app_hosts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from blueprintc.helm import RenderedObject

_INGRESS_GROUP = "networking.k8s.io/"
_GATEWAY_GROUP = "gateway.networking.k8s.io/"
_ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TLSRoute"})


def routed_hosts(objects: Iterable[RenderedObject]) -> tuple[str, ...]:
    """Every host the objects route, as written, sorted, each once."""
    hosts: set[str] = set()
    for obj in objects:
        spec = obj.body.get("spec")
        if not isinstance(spec, dict):
            continue
        if obj.kind == "Ingress" and obj.api_version.startswith(_INGRESS_GROUP):
            rules = spec.get("rules")
            hosts.update(_texts(r.get("host") for r in _dicts(rules)))
        elif obj.kind in _ROUTE_KINDS and obj.api_version.startswith(_GATEWAY_GROUP):
            names = spec.get("hostnames")
            hosts.update(_texts(names if isinstance(names, list) else ()))
    return tuple(sorted(hosts))


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _texts(values: Iterable[Any]) -> set[str]:
    return {v.strip() for v in values if isinstance(v, str) and v.strip()}
