"""A container's env vars as the API server validates them (`validate.env_vars`): a
`valueFrom` beside a `value`, with no source or two, an empty Secret or ConfigMap name
(a chart's `existingSecret: ""` default), a key, a downward-API field, an `envFrom`."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found
from tests.validate.workloads import workload

ENV = "spec.template.spec.containers[0].env"
SECRET = {"secretKeyRef": {"name": "web-db", "key": "password"}}


def _workload(kind: str = "Deployment", **container: Any) -> dict[str, Any]:
    return workload(container, kind)


def test_the_env_vars_charts_write_pass() -> None:
    env = [
        {"name": "MODE", "value": "prod"},
        {"name": "EMPTY", "value": ""},
        {"name": "PASSWORD", "value": "", "valueFrom": SECRET},
        {"name": "CONFIG", "valueFrom": {"configMapKeyRef": {"name": "web", "key": "app.yaml"}}},
        {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        {"name": "ZONE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['zone']"}}},
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
        {"name": "HUGE", "valueFrom": {"resourceFieldRef": {"resource": "limits.hugepages-2Mi"}}},
        {"name": "java.opts", "value": "-Xmx1g"},  # the relaxed names of Kubernetes 1.32
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "${SECRET_NAME}", "key": "t"}}},
    ]
    env_from = [{"configMapRef": {"name": "web"}}, {"secretRef": {"name": "web-"}, "prefix": "DB_"}]
    assert check_object(_workload(env=env, envFrom=env_from)) == []


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_an_empty_secret_name_is_refused_where_it_is_given(kind: str) -> None:
    """jaegertracing's chart, pact-broker's: `existingSecret: ""` rendered as the name."""
    for reference in ({"name": "", "key": "password"}, {"key": "password"}):
        env = [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": reference}}]
        found = _found(_workload(kind, env=env))
        assert [path for path, _ in found] == [f"{ENV}[0].valueFrom.secretKeyRef.name"]
        assert found[0][1].startswith("'': a lowercase RFC 1123 subdomain must consist of")
        assert "the Secret's name is empty" in found[0][1]


def test_a_value_beside_a_value_from_is_refused() -> None:
    env = [{"name": "PASSWORD", "value": "changeme", "valueFrom": SECRET}]
    found = _found(_workload(env=env))
    assert [path for path, _ in found] == [f"{ENV}[0].valueFrom"]
    assert found[0][1].startswith(
        'Invalid value: "": may not be specified when `value` is not empty'
    )


def test_a_value_from_names_one_source() -> None:
    none = [{"name": "A", "valueFrom": {}}]
    two = [{"name": "A", "valueFrom": {**SECRET, "fieldRef": {"fieldPath": "metadata.name"}}}]
    assert _found(_workload(env=none)) == [
        (
            f"{ENV}[0].valueFrom",
            'Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, '
            "`configMapKeyRef`, `secretKeyRef`",
        )
    ]
    assert _found(_workload(env=two)) == [
        (
            f"{ENV}[0].valueFrom",
            'Invalid value: "": may not have more than one field specified at a time '
            "(it has fieldRef, secretKeyRef)",
        )
    ]


def test_names_keys_and_downward_fields() -> None:
    env = [
        {"name": "", "value": "x"},
        {"name": "A=B", "value": "x"},
        {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "Web_Config", "key": "a/b"}}},
        {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIp"}}},
        {"name": "POLICY", "valueFrom": {"fieldRef": {"fieldPath": "spec.restartPolicy"}}},
        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limit.memory"}}},
    ]
    found = dict(_found(_workload(env=env)))
    assert found[f"{ENV}[0].name"] == "Required value"
    assert found[f"{ENV}[1].name"].startswith("'A=B': a valid environment variable name must")
    assert found[f"{ENV}[2].valueFrom.configMapKeyRef.name"].startswith("'Web_Config': a low")
    assert found[f"{ENV}[2].valueFrom.configMapKeyRef.key"].startswith("'a/b': a valid config")
    assert found[f"{ENV}[3].valueFrom.fieldRef.fieldPath"].endswith("(write status.podIP)")
    assert found[f"{ENV}[4].valueFrom.fieldRef.fieldPath"].startswith(
        "Unsupported value: 'spec.restartPolicy': supported values: \"metadata.name\""
    )
    assert "limit.memory" in found[f"{ENV}[5].valueFrom.resourceFieldRef.resource"]
    assert len(found) == 7


def test_an_env_from_entry_names_one_source_by_name() -> None:
    env_from = [
        {"prefix": "DB_"},
        {"configMapRef": {"name": "a"}, "secretRef": {"name": "b"}},
        {"secretRef": {"name": ""}},
        {"configMapRef": {"name": "web"}, "prefix": "A=B"},
    ]
    found = dict(_found(_workload(envFrom=env_from)))
    at = "spec.template.spec.containers[0].envFrom"
    assert found == {
        f"{at}[0]": 'Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
        f"{at}[1]": 'Invalid value: "": may not have more than one field specified at a time '
        "(it has configMapRef, secretRef)",
        f"{at}[2].secretRef.name": "Required value",
        f"{at}[3].prefix": "'A=B': a valid environment variable name must consist only of "
        "printable ASCII characters other than '='",
    }


def test_an_init_container_and_a_cronjobs_pod_are_checked() -> None:
    env = [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "", "key": "p"}}}]
    pod = {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "r/c:1"}]}
    pod["initContainers"] = [{"name": "init", "image": "r/i:1", "env": env}]
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "backup"},
        "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {"spec": pod}}}},
    }
    assert [path for path, _ in _found(cron)] == [
        "spec.jobTemplate.spec.template.spec.initContainers[0].env[0].valueFrom.secretKeyRef.name"
    ]


def test_a_custom_resources_env_is_its_own() -> None:
    """A CRD's `Deployment`-shaped kind is not the API server's to check."""
    obj = _workload(env=[{"name": "", "value": "x"}])
    obj["apiVersion"] = "example.org/v1"
    assert not any(".env[" in e.path for e in check_object(obj))
