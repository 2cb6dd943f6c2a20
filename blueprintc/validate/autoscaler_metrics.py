"""A HorizontalPodAutoscaler's metrics as the API server validates them (autoscaling/v2).

The schema passes a Resource metric whose target has neither `averageUtilization` nor
`averageValue`; the API server refuses it (`must set either a target raw value or a
target utilization`). `helm create`'s autoscaler writes
`averageUtilization: {{ .Values.autoscaling.targetMemoryUtilizationPercentage }}` inside
an `if` on that value: a chart that drops the `if`, or values that null the percentage
while keeping the block, render the target empty. Also refused: a metric whose `type`
names a source it does not give (`type: Resource` with `pods:`), or that gives two; a
target with both, a target `type` other than Utilization, Value or AverageValue, a
utilization below 1, a value or average value that is not positive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem
from blueprintc.validate.quantities import quantity_value

# A metric's type -> the field of its source.
_SOURCES = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "External": "external",
}
_TARGET_TYPES = ("Utilization", "Value", "AverageValue")


def autoscaler_metric_problems(obj: dict[str, Any]) -> list[Problem]:
    """The metric problems of an autoscaling/v2 HorizontalPodAutoscaler (none for any
    other object)."""
    if (obj.get("apiVersion"), obj.get("kind")) != ("autoscaling/v2", "HorizontalPodAutoscaler"):
        return []
    metrics = obj["spec"].get("metrics") if isinstance(obj.get("spec"), dict) else None
    found: list[Problem] = []
    for index, metric in enumerate(metrics if isinstance(metrics, list) else ()):
        if isinstance(metric, dict):
            found.extend(_metric(metric, f"spec.metrics[{index}]"))
    return found


def _metric(metric: dict[str, Any], at: str) -> Iterator[Problem]:
    kind = metric.get("type")
    if not isinstance(kind, str) or kind not in _SOURCES or "${" in kind:
        return  # a type it does not know: the schema's enum, or Flux's substitution
    own = _SOURCES[kind]
    others = [field for field in _SOURCES.values() if field != own and metric.get(field)]
    source = metric.get(own)
    if not isinstance(source, dict):
        message = "Required value: must populate information for the given metric source"
        yield f"{at}.{own}", message
    if others:
        given = ", ".join(others)
        yield at, f"Forbidden: must populate the given metric source only (it has {given})"
    if not isinstance(source, dict):
        return
    target = source.get("target")
    if not isinstance(target, dict):
        return
    resource = kind in ("Resource", "ContainerResource")
    yield from _target(target, f"{at}.{own}.target", resource=resource)


def _target(target: dict[str, Any], at: str, *, resource: bool) -> Iterator[Problem]:
    kind = target.get("type")
    if isinstance(kind, str) and kind and "${" not in kind and kind not in _TARGET_TYPES:
        yield f"{at}.type", f"{kind!r}: must be either Utilization, Value, or AverageValue"
    utilization, average = target.get("averageUtilization"), target.get("averageValue")
    if resource and utilization is None and average is None:
        yield (
            f"{at}.averageUtilization",
            "Required value: must set either a target raw value or a target utilization (is "
            "the value that sets it empty?)",
        )
    if resource and utilization is not None and average is not None:
        message = "Forbidden: may not set both a target raw value and a target utilization"
        yield f"{at}.averageValue", message
    if isinstance(utilization, int) and not isinstance(utilization, bool) and utilization < 1:
        yield f"{at}.averageUtilization", f"{utilization}: must be greater than 0"
    for field in ("value", "averageValue"):
        if (amount := quantity_value(target.get(field))) is not None and amount <= 0:
            yield f"{at}.{field}", f"{target[field]!r}: must be positive"
