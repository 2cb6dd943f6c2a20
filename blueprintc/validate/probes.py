"""A container's probes and lifecycle hooks as the API server validates them: each names
exactly one handler (`livenessProbe: {}` names none), and its port is a number or a
container port's name (`port: "8080"`, quoted, is neither).

The schema lets a probe hold `httpGet` and `exec` both; the API server refuses it (`may
not specify more than 1 handler type`). Helm makes such probes: values that replace a
chart's default probe (`livenessProbe: {exec: ...}` over the chart's `httpGet`) are
merged into it, not put in its place, so the rendered probe has both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem, port_problem
from blueprintc.validate.object_shapes import POD_CONTAINERS, containers_of

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_HOOKS = ("postStart", "preStop")
_HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def probe_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The probes and hooks of the pod spec `pod` (at path `at`) with no handler or
    several. (Paths are made only for a problem: every pod template is asked.)"""
    for field, index, container in containers_of(pod, POD_CONTAINERS):
        for probe in _PROBES:
            node = container.get(probe)
            if node is not None:
                if message := _handler_problem(node, _PROBE_HANDLERS):
                    yield f"{at}.{field}[{index}].{probe}", message
                yield from _port_problems(node, f"{at}.{field}[{index}].{probe}")
        lifecycle = container.get("lifecycle")
        for hook in _HOOKS if isinstance(lifecycle, dict) else ():
            node = lifecycle.get(hook)
            if node is not None:
                if message := _handler_problem(node, _HOOK_HANDLERS):
                    yield f"{at}.{field}[{index}].lifecycle.{hook}", message
                yield from _port_problems(node, f"{at}.{field}[{index}].lifecycle.{hook}")


def _port_problems(node: Any, at: str) -> Iterator[Problem]:
    """The port of a handler: a number, or (but for gRPC's) a container port's name."""
    for handler in ("httpGet", "tcpSocket", "grpc"):
        action = node.get(handler) if isinstance(node, dict) else None
        port = action.get("port") if isinstance(action, dict) else None
        if port is not None and (problem := port_problem(port, named=handler != "grpc")):
            yield f"{at}.{handler}.port", f"{port!r}: {problem}"


def _handler_problem(node: Any, handlers: tuple[str, ...]) -> str | None:
    if not isinstance(node, dict):
        return None
    given = [name for name in handlers if node.get(name) is not None]
    if not given:
        choices = ", ".join(handlers[:-1]) + f" or {handlers[-1]}"
        return f"Required value: must specify a handler type ({choices})"
    if len(given) > 1:
        nulls = " or ".join(f"`{name}: null`" for name in given)
        return (
            f"may not specify more than 1 handler type (it has {', '.join(given)}): keep "
            "one. Values that replace a chart's default handler are merged into it: null "
            f"the one not wanted in the same values ({nulls})"
        )
    return None
