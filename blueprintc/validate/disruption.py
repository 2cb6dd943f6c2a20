"""How many pods may be down or extra, as the API server validates it: a
PodDisruptionBudget's `minAvailable` / `maxUnavailable`, a Deployment's rolling update,
a HorizontalPodAutoscaler's replica bounds.

The schema takes any integer or string (`x-kubernetes-int-or-string`); the API server
wants a non-negative integer or a percentage (`"50%"`, at most 100% where it caps),
so the common `minAvailable: {{ .Values.pdb.minAvailable | quote }}` that renders `"1"`
is refused ("a valid percent string must be a numeric string followed by an ending
'%'"). Also refused: a PodDisruptionBudget giving both fields, a rolling update whose
`maxSurge` and `maxUnavailable` are both zero (no pod could ever be replaced), and an
autoscaler whose `maxReplicas` is below its `minReplicas`, a `rollingUpdate` beside
`type: Recreate` (values that switch a chart's strategy merge into both), and a
Deployment's `progressDeadlineSeconds` no greater than its `minReadySeconds`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.label_text import Problem
from blueprintc.validate.object_shapes import api_group

_PERCENT = re.compile(r"[0-9]+%")
_PERCENT_WORDS = "a valid percent string must be a numeric string followed by an ending '%'"


def disruption_problems(obj: dict[str, Any]) -> list[Problem]:
    api_version, kind, spec = obj.get("apiVersion"), obj.get("kind"), obj.get("spec")
    if not isinstance(spec, dict) or not isinstance(api_version, str):
        return []
    group = api_group(api_version)
    if kind == "PodDisruptionBudget" and group == "policy":
        return list(_budget(spec))
    if kind == "Deployment" and group == "apps":
        return [*_rolling_update(spec), *_progress_deadline(spec)]
    if kind == "HorizontalPodAutoscaler" and group == "autoscaling":
        return list(_autoscaler(spec))
    return []


def _budget(spec: dict[str, Any]) -> Iterator[Problem]:
    given = [name for name in ("minAvailable", "maxUnavailable") if spec.get(name) is not None]
    if len(given) == 2:
        yield "spec", "minAvailable and maxUnavailable cannot be both set: keep one"
    for name in given:
        yield from _int_or_percent(spec[name], f"spec.{name}", at_most_100=True)


def _rolling_update(spec: dict[str, Any]) -> Iterator[Problem]:
    update = value_at(spec, ("strategy", "rollingUpdate"))
    at = "spec.strategy.rollingUpdate"
    if update is not None and value_at(spec, ("strategy", "type")) == "Recreate":
        yield (
            at,
            (
                "Forbidden: may not be specified when strategy `type` is 'Recreate' (values "
                "that choose Recreate over a chart's default `rollingUpdate:` merge into both: "
                "set `rollingUpdate: null` beside `type: Recreate`)"
            ),
        )
    if not isinstance(update, dict):
        return
    surge, unavailable = update.get("maxSurge"), update.get("maxUnavailable")
    if surge is not None:
        yield from _int_or_percent(surge, f"{at}.maxSurge", at_most_100=False)
    if unavailable is not None:
        yield from _int_or_percent(unavailable, f"{at}.maxUnavailable", at_most_100=True)
    if _is_zero(surge) and _is_zero(unavailable):
        yield f"{at}.maxUnavailable", "may not be 0 when `maxSurge` is 0"


def _progress_deadline(spec: dict[str, Any]) -> Iterator[Problem]:
    """A Deployment's progress deadline given beside a `minReadySeconds` it does not
    exceed: no rollout could ever be seen progressing in time."""
    deadline, ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds") or 0
    if _is_int(deadline) and _is_int(ready) and deadline <= ready:
        yield (
            "spec.progressDeadlineSeconds",
            f"{deadline}: must be greater than minReadySeconds ({ready})",
        )


def _autoscaler(spec: dict[str, Any]) -> Iterator[Problem]:
    low, high = spec.get("minReplicas"), spec.get("maxReplicas")
    if _is_int(low) and low < 1:
        yield (
            "spec.minReplicas",
            f"{low}: must be greater than or equal to 1 (scaling to 0 needs the "
            "HPAScaleToZero feature gate, alpha and off by default)",
        )
    if _is_int(low) and _is_int(high) and high < low:
        yield "spec.maxReplicas", f"{high}: must be greater than or equal to `minReplicas` ({low})"


def _int_or_percent(value: Any, at: str, *, at_most_100: bool) -> Iterator[Problem]:
    if _is_int(value):
        if value < 0:
            yield at, f"{value}: must be greater than or equal to 0"
    elif isinstance(value, str) and "${" not in value:
        if not _PERCENT.fullmatch(value):
            count = " (a number of pods is an integer: unquoted, no `| quote`)"
            yield at, f"{value!r}: {_PERCENT_WORDS}{count if value.isdigit() else ''}"
        elif at_most_100 and int(value[:-1]) > 100:
            yield at, f"{value!r}: must not be greater than 100%"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_zero(value: Any) -> bool:
    """Zero as the API server reads it: 0, "0%" (unset counts as the default, not 0)."""
    return (_is_int(value) and value == 0) or value == "0%"
