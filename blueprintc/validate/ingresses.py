"""An Ingress as the API server validates it, beyond its schema: its hosts (a DNS name,
`*.` allowed first; no scheme, port or IP address: `https://shop.example.com` is no
host) and its paths (absolute: `api` is no path), in its rules and its TLS entries.

A value holding `${` is left alone: Flux substitutes it before the API server sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.label_text import Problem, plain, subdomain_problem

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
        paths = value_at(rule, ("http", "paths"))
        for number, entry in enumerate(paths if isinstance(paths, list) else ()):
            path = plain(entry.get("path") if isinstance(entry, dict) else None)
            if path and not path.startswith("/"):
                where = f"spec.rules[{index}].http.paths[{number}].path"
                yield where, f"{path!r}: must be an absolute path"
    entries = spec.get("tls")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        hosts = entry.get("hosts") if isinstance(entry, dict) else None
        for number, tls_host in enumerate(hosts if isinstance(hosts, list) else ()):
            host = plain(tls_host)
            if host and (problem := _host_problem(host)):
                yield f"spec.tls[{index}].hosts[{number}]", f"{host!r}: {problem}"


def _host_problem(host: str) -> str | None:
    if _IP_ADDRESS.fullmatch(host):
        return "must be a DNS name, not an IP address"
    name = host[2:] if host.startswith("*.") else host
    problem = subdomain_problem(name)
    if problem and ("://" in host or ":" in host or "/" in host):
        return f"{problem} (a host alone: no scheme, port or path)"
    return problem
