"""An Ingress's rules, backends and TLS as the API server validates them
(`validate.ingresses`; hosts and paths: tests/validate/test_object_meta.py)."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found

BACKEND = {"service": {"name": "web", "port": {"name": "http"}}}
PATHS = "spec.rules[0].http.paths[0]"


def _ingress(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": spec,
    }


def _rule(path: str = "/", path_type: str = "Prefix", **backend: Any) -> dict[str, Any]:
    entry = {"path": path, "pathType": path_type, "backend": backend or BACKEND}
    return {"host": "shop.example.org", "http": {"paths": [entry]}}


def test_the_ingresses_charts_write_pass() -> None:
    numbered = {"service": {"name": "web", "port": {"number": 8080}}}
    resource = {"resource": {"apiGroup": "k8s.example.org", "kind": "Bucket", "name": "static"}}
    ingresses = [
        _ingress(rules=[_rule()], tls=[{"hosts": ["shop.example.org"], "secretName": "shop-tls"}]),
        _ingress(ingressClassName="nginx", rules=[_rule("/api", "Exact", **numbered)]),
        _ingress(rules=[_rule("/static", "ImplementationSpecific", **resource)]),
        _ingress(rules=[_rule("/api(/|$)(.*)", "ImplementationSpecific")]),  # a regex
        _ingress(defaultBackend=BACKEND),
        _ingress(rules=[{"host": "shop.example.org"}]),  # a rule without http
        _ingress(rules=[_rule(**{"service": {"name": "${APP}", "port": {"name": "${PORT}"}}})]),
    ]
    for ingress in ingresses:
        assert check_object(ingress) == [], ingress["spec"]


def test_an_ingress_with_neither_rules_nor_a_default_backend_is_refused() -> None:
    """`ingress.enabled: true` with no hosts in values: the range renders no rule."""
    for spec in ({"rules": []}, {}, {"tls": [{"secretName": "shop-tls"}]}):
        found = _found(_ingress(**spec))
        assert list(found) == ["spec"]
        assert found["spec"].startswith(
            "Invalid value: either `defaultBackend` or `rules` must be specified"
        )


def test_a_backends_port_is_a_name_or_a_number_not_both() -> None:
    both = {"service": {"name": "web", "port": {"name": "http", "number": 80}}}
    neither = {"service": {"name": "web", "port": {}}}
    assert _found(_ingress(rules=[_rule(**both)])) == {
        f"{PATHS}.backend.service.port": 'Invalid value: "": cannot set both port name & '
        "port number (keep one)"
    }
    assert _found(_ingress(rules=[_rule(**neither)])) == {
        f"{PATHS}.backend.service.port": "Required value: port name or number is required"
    }
    bad = {"service": {"name": "web", "port": {"name": "Http_Port"}}}
    assert list(_found(_ingress(rules=[_rule(**bad)]))) == [f"{PATHS}.backend.service.port.name"]
    far = {"service": {"name": "web", "port": {"number": 70000}}}
    assert list(_found(_ingress(defaultBackend=far))) == ["spec.defaultBackend.service.port.number"]


def test_a_backend_names_a_service_it_may_have_or_a_resource() -> None:
    nameless = {"service": {"name": "", "port": {"number": 80}}}  # left out: the schema's
    dotted = {"service": {"name": "web.shop", "port": {"number": 80}}}
    both = {**BACKEND, "resource": {"kind": "Bucket", "name": "static"}}
    assert _found(_ingress(rules=[_rule(**nameless)])) == {
        f"{PATHS}.backend.service.name": "Required value"
    }
    assert _found(_ingress(rules=[_rule(**dotted)]))[f"{PATHS}.backend.service.name"].startswith(
        "'web.shop': a DNS-1035 label must consist of"
    )
    assert _found(_ingress(rules=[_rule(**both)])) == {
        f"{PATHS}.backend": 'Invalid value: "": cannot set both resource and service backends'
    }
    entry = {"path": "/", "pathType": "Prefix", "backend": {}}
    rule = {"host": "shop.example.org", "http": {"paths": [entry]}}
    assert _found(_ingress(rules=[rule])) == {
        f"{PATHS}.backend": 'Invalid value: "": resource or service backend is required'
    }


def test_http_paths_and_their_sequences() -> None:
    empty = {"host": "shop.example.org", "http": {"paths": []}}
    assert _found(_ingress(rules=[empty])) == {
        "spec.rules[0].http.paths": "Required value: a rule's `http` needs a path"
    }
    assert _found(_ingress(rules=[_rule("/static/../admin")])) == {
        f"{PATHS}.path": "'/static/../admin': must not contain '/../'"
    }
    # two problems at one path: both are reported
    found = [e.message for e in check_object(_ingress(rules=[_rule("/a//b/.", "Exact")]))]
    assert found == ["'/a//b/.': cannot end with '/.'", "'/a//b/.': must not contain '//'"]
    # ImplementationSpecific paths are the controller's to read (nginx's regexes).
    assert check_object(_ingress(rules=[_rule("/a//b/.", "ImplementationSpecific")])) == []


def test_tls_secret_and_class_names() -> None:
    found = _found(
        _ingress(
            rules=[_rule()],
            tls=[{"hosts": ["shop.example.org"], "secretName": "Shop_TLS"}],
            ingressClassName="Nginx Public",
        )
    )
    assert sorted(found) == ["spec.ingressClassName", "spec.tls[0].secretName"]
