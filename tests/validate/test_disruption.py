"""How many pods may be down or extra, as the API server validates it
(`validate.disruption`): the schema takes any integer or string."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.validate.objects import check_object
from tests.validate.findings import pairs as _found

LABELS = {"app.kubernetes.io/name": "web"}


def _budget(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": LABELS}, **spec},
    }


def _deployment(strategy: dict[str, Any]) -> dict[str, Any]:
    pod = {"containers": [{"name": "web", "image": "r/web:1.2.3"}]}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": LABELS},
            "strategy": strategy,
            "template": {"metadata": {"labels": LABELS}, "spec": pod},
        },
    }


@pytest.mark.parametrize("value", [1, 0, "50%", "100%"])
def test_a_budget_of_an_integer_or_a_percentage_passes(value: Any) -> None:
    assert check_object(_budget(minAvailable=value)) == []


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1", "a valid percent string must be"),  # `| quote` of an integer
        ("50", "a valid percent string must be"),
        ("150%", "must not be greater than 100%"),
        (-1, "must be greater than or equal to 0"),
    ],
)
def test_a_budget_the_api_server_refuses_is_named(value: Any, words: str) -> None:
    found = _found(_budget(maxUnavailable=value))
    assert [path for path, _ in found] == ["spec.maxUnavailable"]
    assert words in found[0][1]
    assert ("no `| quote`" in found[0][1]) == (value in ("1", "50"))


def test_a_budget_with_both_fields_is_refused() -> None:
    found = _found(_budget(minAvailable=1, maxUnavailable=1))
    assert found == [("spec", "minAvailable and maxUnavailable cannot be both set: keep one")]


def test_a_rolling_update_the_api_server_refuses_is_named() -> None:
    assert check_object(_deployment({"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})) == []
    assert check_object(_deployment({"type": "Recreate"})) == []
    both_zero = _deployment({"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}})
    assert _found(both_zero) == [
        ("spec.strategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0")
    ]
    assert [p for p, _ in _found(_deployment({"rollingUpdate": {"maxSurge": "1"}}))] == [
        "spec.strategy.rollingUpdate.maxSurge"
    ]
    recreate = _deployment({"type": "Recreate", "rollingUpdate": {"maxSurge": "25%"}})
    found = _found(recreate)
    assert [p for p, _ in found] == ["spec.strategy.rollingUpdate"]
    assert "set `rollingUpdate: null` beside `type: Recreate`" in found[0][1]


def test_an_autoscaler_whose_maximum_is_below_its_minimum_is_refused() -> None:
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 3,
            "maxReplicas": 2,
        },
    }
    assert _found(hpa) == [
        ("spec.maxReplicas", "2: must be greater than or equal to `minReplicas` (3)")
    ]
    hpa["spec"]["maxReplicas"] = 3
    assert check_object(hpa) == []


def test_a_progress_deadline_exceeds_min_ready_seconds() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "r/web:1"}]},
            },
            "minReadySeconds": 600,
            "progressDeadlineSeconds": 600,
        },
    }
    assert [(e.path, e.message) for e in check_object(deployment)] == [
        ("spec.progressDeadlineSeconds", "600: must be greater than minReadySeconds (600)")
    ]
    deployment["spec"]["progressDeadlineSeconds"] = 601
    assert check_object(deployment) == []
    del deployment["spec"]["progressDeadlineSeconds"]  # the default is the API server's
    assert check_object(deployment) == []
