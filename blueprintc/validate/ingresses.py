"""An Ingress as the API server validates it, beyond its schema: its hosts (a DNS name,
`*.` allowed first; no scheme, port or IP address: `https://shop.example.com` is no
host) and its paths (absolute: `api` is no path; for Exact and Prefix, no `//`, `/./`,
`/../` or `%2f`), in its rules and its TLS entries; a rule or a default backend at all
(`ingress.enabled: true` with no hosts in values renders an Ingress with neither); each
rule's `http` with paths; each backend a Service or a resource, the Service by a name
it may have and its port by a name or a number, not both (`port: {name: http, number:
80}`) and not neither; a TLS entry's Secret and the class by names they may have.

A value holding `${` is left alone: Flux substitutes it before the API server sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import (
    Problem,
    dns1035_label_problem,
    plain,
    port_name_problem,
    port_problem,
    subdomain_problem,
)

_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}|.*:.*:.*")


def ingress_problems(spec: dict[str, Any]) -> Iterator[Problem]:
    """An Ingress's hosts (a DNS name, `*.` allowed first; no scheme, port or IP address)
    and paths (absolute), in its rules and its TLS entries."""
    rules = spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else ()):
        if not isinstance(rule, dict):
            continue
        host = plain(rule.get("host"))
        if host and (problem := _host_problem(host)):
            yield f"spec.rules[{index}].host", f"{host!r}: {problem}"
        http = rule.get("http")
        if isinstance(http, dict):
            yield from _http_problems(http, f"spec.rules[{index}].http")
    entries = spec.get("tls")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        hosts = entry.get("hosts") if isinstance(entry, dict) else None
        for number, tls_host in enumerate(hosts if isinstance(hosts, list) else ()):
            host = plain(tls_host)
            if host and (problem := _host_problem(host)):
                yield f"spec.tls[{index}].hosts[{number}]", f"{host!r}: {problem}"
        secret = plain(entry.get("secretName") if isinstance(entry, dict) else None)
        if secret and (problem := subdomain_problem(secret)):
            yield f"spec.tls[{index}].secretName", f"{secret!r}: {problem}"
    class_name = plain(spec.get("ingressClassName"))
    if class_name and (problem := subdomain_problem(class_name)):
        yield "spec.ingressClassName", f"{class_name!r}: {problem}"
    default = spec.get("defaultBackend")
    if isinstance(default, dict):
        yield from _backend_problems(default, "spec.defaultBackend")
    if not (isinstance(rules, list) and rules) and default is None:
        yield (
            "spec",
            "Invalid value: either `defaultBackend` or `rules` must be specified (no host "
            "or path was rendered: are the values' hosts empty?)",
        )


def _http_problems(http: dict[str, Any], at: str) -> Iterator[Problem]:
    paths = http.get("paths")
    if not (isinstance(paths, list) and paths):
        yield f"{at}.paths", "Required value: a rule's `http` needs a path"
    for number, entry in enumerate(paths if isinstance(paths, list) else ()):
        if not isinstance(entry, dict):
            continue
        where = f"{at}.paths[{number}]"
        path = plain(entry.get("path"))
        if path and not path.startswith("/"):
            yield f"{where}.path", f"{path!r}: must be an absolute path"
        elif path and entry.get("pathType") in ("Exact", "Prefix"):
            for problem in _path_problems(path):
                yield f"{where}.path", f"{path!r}: {problem}"
        backend = entry.get("backend")
        if isinstance(backend, dict):
            yield from _backend_problems(backend, f"{where}.backend")


def _path_problems(path: str) -> Iterator[str]:
    """An Exact or Prefix path's sequences the API server refuses (`invalidPathSequences`,
    `invalidPathSuffixes`)."""
    for sequence in ("//", "/./", "/../", "%2f", "%2F"):
        if sequence in path:
            yield f"must not contain '{sequence}'"
    for suffix in ("/..", "/."):
        if path.endswith(suffix):
            yield f"cannot end with '{suffix}'"


def _backend_problems(backend: dict[str, Any], at: str) -> Iterator[Problem]:
    if "serviceName" in backend or "servicePort" in backend:
        return  # networking.k8s.io/v1beta1's shape: its schema's to refuse, not this
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        yield at, 'Invalid value: "": cannot set both resource and service backends'
        return
    if resource is not None:
        return
    if not isinstance(service, dict):
        yield at, 'Invalid value: "": resource or service backend is required'
        return
    name = service.get("name")
    if name is None or name == "":
        yield f"{at}.service.name", "Required value"
    elif (text := plain(name)) and (problem := dns1035_label_problem(text)):
        yield f"{at}.service.name", f"{text!r}: {problem}"
    port = service.get("port")
    port = port if isinstance(port, dict) else {}
    port_name, number = port.get("name"), port.get("number")
    named = isinstance(port_name, str) and port_name != ""
    numbered = number is not None and number != 0
    if named and numbered:
        yield (
            f"{at}.service.port",
            'Invalid value: "": cannot set both port name & port number (keep one)',
        )
    elif not named and not numbered:
        yield f"{at}.service.port", "Required value: port name or number is required"
    elif named and (text := plain(port_name)) and (problem := port_name_problem(text)):
        yield f"{at}.service.port.name", f"{text!r}: {problem}"
    elif numbered and (problem := port_problem(number, named=False)):
        yield f"{at}.service.port.number", f"{number!r}: {problem}"


def _host_problem(host: str) -> str | None:
    if _IP_ADDRESS.fullmatch(host):
        return "must be a DNS name, not an IP address"
    name = host[2:] if host.startswith("*.") else host
    problem = subdomain_problem(name)
    if problem and ("://" in host or ":" in host or "/" in host):
        return f"{problem} (a host alone: no scheme, port or path)"
    return problem
