"""The API server's own checks of names, labels and port names (`validate.object_meta`),
which no OpenAPI schema states: an object that passes its schema and still fails to
install (a label value of 64 characters, a Service named `Web_UI`, a container port
named `Http_Port`) is refused here, at the path, in the API server's words."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object

LABELS = {"app.kubernetes.io/name": "web"}


def _service(
    name: str = "web", labels: dict[str, Any] | None = None, port: str = "http"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels if labels is not None else LABELS},
        "spec": {"selector": LABELS, "ports": [{"port": 80, "name": port}]},
    }


def _deployment(
    container: str = "web", port: str = "http", pod_labels: dict[str, Any] | None = None
) -> dict[str, Any]:
    pod = {
        "containers": [
            {
                "name": container,
                "image": "r/web:1.2.3",
                "ports": [{"containerPort": 80, "name": port}],
            }
        ]
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": LABELS},
        "spec": {
            "selector": {"matchLabels": LABELS},
            "template": {"metadata": {"labels": pod_labels or LABELS}, "spec": pod},
        },
    }


def _paths(obj: dict[str, Any]) -> list[str]:
    return [e.path for e in check_object(obj)]


def test_valid_names_and_labels_pass() -> None:
    assert check_object(_service()) == []
    assert check_object(_deployment()) == []
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "system:aggregate-to-edit"},
        "rules": [],
    }
    assert check_object(role) == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Web_UI", "a DNS-1035 label must consist of lower case alphanumeric characters"),
        ("9web", "start with an alphabetic character"),
        ("w" * 64, "must be no more than 63 characters"),
    ],
)
def test_a_service_name_must_be_a_dns_1035_label(name: str, words: str) -> None:
    [error] = check_object(_service(name=name))

    assert error.path == "metadata.name"
    assert words in error.message


def test_a_configmap_name_may_hold_dots_but_no_capitals() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web.config"}}
    assert check_object(config) == []
    config["metadata"]["name"] = "Web.Config"
    assert _paths(config) == ["metadata.name"]


@pytest.mark.parametrize(
    ("labels", "path", "words"),
    [
        ({"team": "p" * 64}, "metadata.labels.team", "must be no more than 63 characters"),
        (
            {"team": "platform team"},
            "metadata.labels.team",
            "a valid label must be an empty string",
        ),
        ({"a/b/c": "x"}, "metadata.labels", "a qualified name must be a name"),
        (
            {"Example.com/team": "x"},
            "metadata.labels",
            "prefix part a lowercase RFC 1123 subdomain",
        ),
        ({"team-": "x"}, "metadata.labels", "name part must consist of alphanumeric characters"),
    ],
)
def test_a_label_the_api_server_refuses_is_named(
    labels: dict[str, Any], path: str, words: str
) -> None:
    errors = check_object(_service(labels={**LABELS, **labels}))

    assert [e.path for e in errors] == [path]
    assert words in errors[0].message


@pytest.mark.parametrize(
    ("port", "words"),
    [
        ("Http_Port", "must contain only alpha-numeric characters"),
        ("metrics-exporter-port", "must be no more than 15 characters"),
        ("http--alt", "must not contain consecutive hyphens"),
        ("8080", "must contain at least one letter"),
    ],
)
def test_a_container_port_name_must_be_an_iana_service_name(port: str, words: str) -> None:
    [error] = check_object(_deployment(port=port))

    assert error.path == "spec.template.spec.containers[0].ports[0].name"
    assert words in error.message


def test_a_container_name_and_a_pod_templates_labels_are_checked() -> None:
    deployment = _deployment(container="Web", pod_labels={**LABELS, "tier": "front end"})

    assert _paths(deployment) == [
        "spec.template.metadata.labels.tier",
        "spec.template.spec.containers[0].name",
    ]


def test_a_service_port_name_must_be_a_dns_1123_label() -> None:
    assert _paths(_service(port="Http_Port")) == ["spec.ports[0].name"]


def test_a_value_flux_substitutes_is_left_alone() -> None:
    service = _service(name="web-${ORG}", labels={"team": "${TEAM_NAME_THAT_IS_LONG}" * 4})

    assert check_object(service) == []


def test_a_name_its_schema_already_refuses_is_one_error() -> None:
    """Catalyst's Organization schema has its own name pattern: one error at the path."""
    organization = {
        "apiVersion": "catalyst.openova.io/v1alpha1",
        "kind": "Organization",
        "metadata": {"name": "Acme"},
        "spec": {},
    }
    assert [e.path for e in check_object(organization)].count("metadata.name") == 1


def _cron_job(schedule: str) -> dict[str, Any]:
    pod = {"containers": [{"name": "job", "image": "r/job:1.2.3"}], "restartPolicy": "Never"}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "backup"},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": pod}}}},
    }


@pytest.mark.parametrize(
    "schedule",
    [
        "*/5 * * * *", "0 3 * * MON-FRI", "15 2 1 jan,jul ?", "0 0 * * 0", "5/15 * * * *",
        "1-50/7 0-23 1-31 1-12 0-6", "@hourly", "@every 1h30m", "TZ=Europe/Berlin 0 3 * * *",
        "  0 3 * * *  ",
    ],
)  # fmt: skip
def test_a_cron_schedule_the_api_server_takes_passes(schedule: str) -> None:
    assert check_object(_cron_job(schedule)) == []


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        ("*/5 * * *", "expected exactly 5 fields"),
        ("0 0 * * * *", "found 6"),
        ("60 * * * *", "minute field '60': '60' is out of range 0-59"),
        ("0 0 * * 7", "day of week field '7': '7' is out of range 0-6"),
        ("0 0 L * *", "day of month field 'L'"),
        ("0 0 * * MON-jan", "day of week field"),
        ("*/0 * * * *", "step of zero"),
        ("0 5-2 * * *", "starts after it ends"),
        ("@fortnightly", "unrecognized descriptor"),
    ],
)
def test_a_cron_schedule_the_api_server_refuses_is_named(schedule: str, words: str) -> None:
    [error] = check_object(_cron_job(schedule))

    assert error.path == "spec.schedule"
    assert words in error.message


def _ingress(host: str, path: str = "/") -> dict[str, Any]:
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    http = {"paths": [{"path": path, "pathType": "Prefix", "backend": backend}]}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {"rules": [{"host": host, "http": http}], "tls": [{"hosts": [host]}]},
    }


@pytest.mark.parametrize("host", ["shop.acme.example.test", "*.acme.example.test", "localhost"])
def test_an_ingress_host_that_is_a_dns_name_passes(host: str) -> None:
    assert check_object(_ingress(host)) == []


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("https://shop.example.test", "no scheme, port or path"),
        ("shop.example.test:443", "no scheme, port or path"),
        ("Shop.Example.test", "a lowercase RFC 1123 subdomain"),
        ("10.0.0.1", "must be a DNS name, not an IP address"),
    ],
)
def test_an_ingress_host_the_api_server_refuses_is_named(host: str, words: str) -> None:
    errors = check_object(_ingress(host))

    assert [e.path for e in errors] == ["spec.rules[0].host", "spec.tls[0].hosts[0]"]
    assert words in errors[0].message


def test_an_ingress_path_must_be_absolute() -> None:
    errors = check_object(_ingress("shop.example.test", path="api"))

    assert [(e.path, e.message) for e in errors] == [
        ("spec.rules[0].http.paths[0].path", "'api': must be an absolute path")
    ]


def test_a_selector_the_pod_template_does_not_carry_is_named() -> None:
    deployment = _deployment(pod_labels={"app.kubernetes.io/name": "webapp"})

    errors = check_object(deployment)

    assert [(e.path, e.message) for e in errors] == [
        (
            "spec.selector.matchLabels",
            "app.kubernetes.io/name=web: `selector` does not match template `labels` (the "
            "pod template's app.kubernetes.io/name is 'webapp')",
        )
    ]


def test_a_selector_within_the_pod_templates_labels_passes() -> None:
    deployment = _deployment(pod_labels={**LABELS, "tier": "front"})

    assert check_object(deployment) == []


def _with_selector(kind: str, api_version: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "web", "labels": LABELS},
        "spec": spec,
    }


def _pdb(selector: dict[str, Any]) -> dict[str, Any]:
    return _with_selector(
        "PodDisruptionBudget", "policy/v1", {"minAvailable": 1, "selector": selector}
    )


def _messages(obj: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in check_object(obj)]


def test_a_selectors_labels_are_labels() -> None:
    """A PodDisruptionBudget selecting `tier: front end` is refused at install."""
    assert check_object(_pdb({"matchLabels": {"tier": "front"}})) == []
    assert _messages(_pdb({"matchLabels": {"tier": "front end"}})) == [
        (
            "spec.selector.matchLabels.tier",
            "'front end': a valid label must be an empty string or consist of alphanumeric "
            "characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        )
    ]
    assert _paths(_pdb({"matchLabels": {"team/": "x"}})) == ["spec.selector.matchLabels"]


@pytest.mark.parametrize(
    ("expression", "path", "words"),
    [
        ({"key": "tier", "operator": "in", "values": ["a"]}, "operator", "not a valid selector"),
        ({"key": "tier", "operator": "In", "values": []}, "values", "must be specified when"),
        ({"key": "tier", "operator": "NotIn"}, "values", "must be specified when"),
        ({"key": "tier", "operator": "Exists", "values": ["a"]}, "values", "may not be specified"),
        ({"key": "tier", "operator": "In", "values": ["a", "b c"]}, "values[1]", "a valid label"),
        ({"key": "my tier", "operator": "Exists"}, "key", "name part must consist"),
    ],
)
def test_a_selector_expression_the_api_server_refuses_is_named(
    expression: dict[str, Any], path: str, words: str
) -> None:
    found = _messages(_pdb({"matchExpressions": [expression]}))
    assert [p for p, _ in found] == [f"spec.selector.matchExpressions[0].{path}"]
    assert words in found[0][1]


@pytest.mark.parametrize(
    "expression",
    [
        {"key": "tier", "operator": "In", "values": ["a", "b"]},
        {"key": "tier", "operator": "DoesNotExist"},
        {"key": "tier", "operator": "Exists", "values": []},
        {"key": "tier", "operator": "${OPERATOR}", "values": ["${TIER}"]},  # Flux's to fill
    ],
)
def test_a_selector_expression_the_api_server_takes_passes(expression: dict[str, Any]) -> None:
    assert check_object(_pdb({"matchExpressions": [expression]})) == []


def test_every_kind_of_selector_is_checked() -> None:
    bad = {"matchLabels": {"tier": "front end"}}
    policy = _with_selector(
        "NetworkPolicy",
        "networking.k8s.io/v1",
        {
            "podSelector": bad,
            "ingress": [{"from": [{"namespaceSelector": bad}, {"podSelector": bad}]}],
            "egress": [{"to": [{"podSelector": bad}]}],
        },
    )
    assert _paths(policy) == [
        "spec.egress[0].to[0].podSelector.matchLabels.tier",
        "spec.ingress[0].from[0].namespaceSelector.matchLabels.tier",
        "spec.ingress[0].from[1].podSelector.matchLabels.tier",
        "spec.podSelector.matchLabels.tier",
    ]
    service = _service()
    service["spec"]["selector"] = {"tier": "front end"}
    assert _paths(service) == ["spec.selector.tier"]
    service["spec"] = {"type": "ExternalName", "externalName": "db.example.com"}
    service["spec"]["selector"] = {"tier": "front end"}  # ignored for an ExternalName
    assert _paths(service) == []
    deployment = _deployment()
    pod = deployment["spec"]["template"]["spec"]
    pod["affinity"] = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname", "labelSelector": bad}
            ],
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 1,
                    "podAffinityTerm": {"topologyKey": "zone", "namespaceSelector": bad},
                }
            ],
        }
    }
    pod["topologySpreadConstraints"] = [
        {
            "maxSkew": 1,
            "topologyKey": "zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": bad,
        }
    ]
    anti = "spec.template.spec.affinity.podAntiAffinity"
    assert _paths(deployment) == [
        f"{anti}.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm"
        ".namespaceSelector.matchLabels.tier",
        f"{anti}.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels.tier",
        "spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels.tier",
    ]


def test_a_service_with_several_ports_names_each_once_and_repeats_no_port() -> None:
    service = _service()
    service["spec"]["ports"] = [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]
    assert check_object(service) == []
    service["spec"]["ports"] = [{"port": 80}, {"port": 443, "name": "https"}]
    assert _messages(service) == [
        ("spec.ports[0].name", "Required value: a Service with more than one port names each")
    ]
    service["spec"]["ports"] = [{"port": 80, "name": "web"}, {"port": 80, "name": "web"}]
    assert _messages(service) == [
        ("spec.ports[1]", "Duplicate value: another port is 80/TCP"),
        ("spec.ports[1].name", "'web': Duplicate value: another port has this name"),
    ]
    # The same number over UDP is another port.
    service["spec"]["ports"][1] = {"port": 80, "name": "dns", "protocol": "UDP"}
    assert check_object(service) == []


def test_a_custom_resources_selector_is_not_judged_as_a_workloads() -> None:
    widget = _with_selector(
        "Deployment", "example.io/v1", {"selector": {"matchLabels": {"a": "b c"}}}
    )
    assert all("matchLabels" not in e.path for e in check_object(widget))


@pytest.mark.parametrize(
    ("port", "path", "words"),
    [
        ({"port": 0}, "spec.ports[0].port", "must be between 1 and 65535, inclusive"),
        ({"port": 80, "targetPort": 70000}, "spec.ports[0].targetPort", "must be between 1"),
        # `targetPort: {{ .Values.port | quote }}`: a name, and no name.
        ({"port": 80, "targetPort": "8080"}, "spec.ports[0].targetPort", "no `| quote`"),
        ({"port": 80, "targetPort": "http_web"}, "spec.ports[0].targetPort", "alpha-numeric"),
    ],
)
def test_a_service_port_the_api_server_refuses_is_named(
    port: dict[str, Any], path: str, words: str
) -> None:
    service = _service()
    service["spec"]["ports"] = [port]
    found = _messages(service)
    assert [p for p, _ in found] == [path]
    assert words in found[0][1]


def test_service_and_container_ports_in_range_pass() -> None:
    service = _service()
    service["spec"]["ports"] = [{"port": 80, "targetPort": "http"}, {"port": 9090, "name": "m"}]
    service["spec"]["ports"][0]["name"] = "web"
    service["spec"]["ports"].append({"port": 81, "targetPort": 0, "name": "x"})
    assert check_object(service) == []
    deployment = _deployment()
    port = deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0]
    port["hostPort"] = 0
    assert check_object(deployment) == []
    port["containerPort"] = 65536
    assert _paths(deployment) == ["spec.template.spec.containers[0].ports[0].containerPort"]


def test_a_host_port_on_the_host_network_is_the_containers_port() -> None:
    """The API server refuses a hostPort that differs from the containerPort of a pod on
    the host network; an unset one is defaulted to it."""
    ports = [{"containerPort": 8080, "hostPort": 80}, {"containerPort": 9100}]
    ports.append({"containerPort": 9101, "hostPort": 9101})
    container = {"name": "web", "image": "r/web:1.2.3", "ports": ports}
    pod = {"hostNetwork": True, "containers": [container]}
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": pod}
    assert [(e.path, e.message) for e in check_object(obj)] == [
        (
            "spec.containers[0].ports[0].hostPort",
            "80: must match `containerPort` when `hostNetwork` is true (it is 8080)",
        )
    ]
    pod["hostNetwork"] = False
    assert check_object(obj) == []
