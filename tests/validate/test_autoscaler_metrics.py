"""A HorizontalPodAutoscaler's metrics and minimum as the API server validates them
(`validate.autoscaler_metrics`, `validate.disruption`): a Resource target left empty
(`averageUtilization: {{ .Values.autoscaling.targetMemoryUtilizationPercentage }}` with
the value unset), a type naming a source it lacks, `minReplicas: 0`."""

from __future__ import annotations

from typing import Any

from blueprintc.validate.objects import check_object
from tests.validate.findings import by_path as _found

CPU = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
}


def _autoscaler(*metrics: dict[str, Any], **spec: Any) -> dict[str, Any]:
    body = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 1,
        "maxReplicas": 5,
        "metrics": list(metrics),
        **spec,
    }
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": body,
    }


def test_the_autoscalers_charts_write_pass() -> None:
    memory = {
        "type": "Resource",
        "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}},
    }
    pods = {
        "type": "Pods",
        "pods": {
            "metric": {"name": "rps"},
            "target": {"type": "AverageValue", "averageValue": "100"},
        },
    }
    assert check_object(_autoscaler(CPU, memory, pods)) == []
    assert check_object(_autoscaler(CPU, minReplicas=None)) == []


def test_a_resource_target_left_empty_is_refused() -> None:
    empty = {
        "type": "Resource",
        "resource": {
            "name": "memory",
            "target": {"type": "Utilization", "averageUtilization": None},
        },
    }
    found = _found(_autoscaler(CPU, empty))
    assert list(found) == ["spec.metrics[1].resource.target.averageUtilization"]
    assert found["spec.metrics[1].resource.target.averageUtilization"].startswith(
        "Required value: must set either a target raw value or a target utilization"
    )


def test_a_metric_gives_its_own_source_only() -> None:
    pods = {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "1"}}
    wrong = {"type": "Resource", "pods": pods}
    assert _found(_autoscaler(wrong)) == {
        "spec.metrics[0].resource": "Required value: must populate information for the given "
        "metric source",
        "spec.metrics[0]": "Forbidden: must populate the given metric source only (it has pods)",
    }


def test_targets_and_the_minimum() -> None:
    both = {"type": "Utilization", "averageUtilization": 0, "averageValue": "-1"}
    metric = {"type": "Resource", "resource": {"name": "cpu", "target": both}}
    at = "spec.metrics[0].resource.target"
    found = [(e.path, e.message) for e in check_object(_autoscaler(metric, minReplicas=0))]
    assert found == [
        (f"{at}.averageUtilization", "0: must be greater than 0"),
        (f"{at}.averageValue", "'-1': must be positive"),
        (
            f"{at}.averageValue",
            "Forbidden: may not set both a target raw value and a target utilization",
        ),
        (
            "spec.minReplicas",
            "0: must be greater than or equal to 1 (scaling to 0 needs the HPAScaleToZero "
            "feature gate, alpha and off by default)",
        ),
    ]
