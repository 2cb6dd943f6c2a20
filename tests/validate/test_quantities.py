"""Resource quantities the API server cannot read, and container resources it refuses
(`validate.quantities`): found in public issue threads, each of which broke an install
(`128MiB`, `4g`, `192i`, `6GiB`; a request above its limit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from blueprintc.validate.quantities import FORMAT_WRONG, SUFFIX_WRONG, parse_quantity
from tests.validate.findings import pairs as _found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("128Mi", 128 * 2**20),
        ("1.5Gi", Decimal("1.5") * 2**30),
        ("500m", Decimal("0.5")),
        ("250m", Decimal("0.25")),
        ("2", 2),
        ("0.25", Decimal("0.25")),
        ("1k", 1000),
        ("1M", 10**6),
        ("1E", 10**18),  # exa, not an exponent
        ("1e3", 1000),
        ("1E3", 1000),
        ("1e-3", Decimal("0.001")),
        ("+1", 1),
        ("-1", -1),
        (" 1Gi ", 2**30),  # trimmed, as UnmarshalJSON does
        (".5", Decimal("0.5")),
        ("1.", 1),
        ("Gi", 0),  # no digits: zero, as Go parses it
    ],
)
def test_a_quantity_the_api_server_reads_has_its_value(text: str, value: Any) -> None:
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("128MiB", FORMAT_WRONG),  # raft-tech/konfirm#182
        ("4g", FORMAT_WRONG),  # datalust/seq-tickets#1021
        ("6GiB", FORMAT_WRONG),  # dynamical-org/reformatters#158
        ("1GB", FORMAT_WRONG),
        ("1 Gi", FORMAT_WRONG),
        ("0.5cores", FORMAT_WRONG),
        ("1.2.3", FORMAT_WRONG),
        ("", FORMAT_WRONG),
        ("1e1.5", FORMAT_WRONG),
        ("192i", SUFFIX_WRONG),  # apache/devlake-helm-chart#152
        ("1ki", SUFFIX_WRONG),
        ("1e", SUFFIX_WRONG),
        ("1e+", SUFFIX_WRONG),
        ("1mi", SUFFIX_WRONG),
    ],
)
def test_a_quantity_the_api_server_cannot_read_is_named(text: str, words: str) -> None:
    assert parse_quantity(text) == words


def _deployment(resources: dict[str, Any], **pod: Any) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": "web"}
    container = {"name": "web", "image": "r/web:1.2.3", "resources": resources}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": labels},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [container], **pod},
            },
        },
    }


RESOURCES = "spec.template.spec.containers[0].resources"


def test_valid_resources_pass() -> None:
    resources = {
        "requests": {"cpu": "250m", "memory": "128Mi", "ephemeral-storage": "1Gi"},
        "limits": {"cpu": 1, "memory": "256Mi", "nvidia.com/gpu": 1},
    }
    assert check_object(_deployment(resources)) == []
    assert check_object(_deployment({"limits": {"memory": "${MEMORY}"}})) == []


def test_a_memory_limit_with_a_unit_kubernetes_lacks_is_named_with_the_units() -> None:
    found = _found(_deployment({"limits": {"memory": "128MiB"}}))
    assert [path for path, _ in found] == [f"{RESOURCES}.limits.memory"]
    assert found[0][1].startswith(f"'128MiB': {FORMAT_WRONG}")
    assert "Ki, Mi, Gi, Ti (powers of 1024)" in found[0][1]


def test_a_request_above_its_limit_is_refused() -> None:
    """nautobot/helm-charts#43: requests and limits swapped."""
    resources = {"requests": {"memory": "8704M", "cpu": "2"}, "limits": {"memory": "1Gi"}}
    resources["limits"]["cpu"] = "600m"
    assert _found(_deployment(resources)) == [
        (f"{RESOURCES}.requests.cpu", "'2': must be less than or equal to cpu limit of 600m"),
        (
            f"{RESOURCES}.requests.memory",
            "'8704M': must be less than or equal to memory limit of 1Gi",
        ),
    ]


def test_a_resource_name_kubernetes_does_not_know_is_refused() -> None:
    found = _found(_deployment({"limits": {"memroy": "1Gi"}}))
    assert found == [
        (
            f"{RESOURCES}.limits.memroy",
            "'memroy': must be a standard resource for containers (cpu, memory, ephemeral-storage)",
        )
    ]


def test_an_extended_resource_request_must_equal_its_limit() -> None:
    found = _found(
        _deployment({"requests": {"nvidia.com/gpu": 1}, "limits": {"nvidia.com/gpu": 2}})
    )
    assert found == [
        (f"{RESOURCES}.requests.nvidia.com/gpu", "1: must be equal to nvidia.com/gpu limit of 2")
    ]
    found = _found(_deployment({"requests": {"nvidia.com/gpu": 1}}))
    assert found == [(f"{RESOURCES}.limits", "Limit must be set for non overcommitable resources")]


def test_quantities_outside_containers_are_read_too() -> None:
    volumes = [{"name": "scratch", "emptyDir": {"sizeLimit": "1GB"}}]
    found = _found(_deployment({}, volumes=volumes))
    assert [path for path, _ in found] == ["spec.template.spec.volumes[0].emptyDir.sizeLimit"]
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10gb"}}},
    }
    assert [path for path, _ in _found(claim)] == ["spec.resources.requests.storage"]
