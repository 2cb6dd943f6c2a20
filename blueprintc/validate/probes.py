"""A container's probes and lifecycle hooks as the API server validates them: each names
exactly one handler (`livenessProbe: {}` names none).

The schema lets a probe hold `httpGet` and `exec` both; the API server refuses it (`may
not specify more than 1 handler type`). Helm makes such probes: values that replace a
chart's default probe (`livenessProbe: {exec: ...}` over the chart's `httpGet`) are
merged into it, not put in its place, so the rendered probe has both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem
from blueprintc.validate.pod_volumes import containers_of

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_HOOKS = ("postStart", "preStop")
_HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_FIELDS = ("containers", "initContainers")


def probe_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The probes and hooks of the pod spec `pod` (at path `at`) with several handlers."""
    for where, container in containers_of(pod, at, _FIELDS):
        for probe in _PROBES:
            yield from _one_handler(container.get(probe), f"{where}.{probe}", _PROBE_HANDLERS)
        lifecycle = container.get("lifecycle")
        for hook in _HOOKS if isinstance(lifecycle, dict) else ():
            where_hook = f"{where}.lifecycle.{hook}"
            yield from _one_handler(lifecycle.get(hook), where_hook, _HOOK_HANDLERS)


def _one_handler(node: Any, at: str, handlers: tuple[str, ...]) -> Iterator[Problem]:
    if not isinstance(node, dict):
        return
    given = [name for name in handlers if node.get(name) is not None]
    if not given:
        choices = ", ".join(handlers[:-1]) + f" or {handlers[-1]}"
        yield at, f"Required value: must specify a handler type ({choices})"
    elif len(given) > 1:
        nulls = " or ".join(f"`{name}: null`" for name in given)
        yield (
            at,
            (
                f"may not specify more than 1 handler type (it has {', '.join(given)}): keep "
                "one. Values that replace a chart's default handler are merged into it: null "
                f"the one not wanted in the same values ({nulls})"
            ),
        )
