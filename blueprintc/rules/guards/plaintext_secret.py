"""No plaintext secrets in chart values.

A literal password, token or key in `values.yaml` is published with the
chart to every registry that mirrors it. Reference a Secret that an
`ExternalSecret` materialises (`existingSecret: <name>`), or leave the value
empty for the overlay to fill from a secret store.

Keys are matched by canon `charts.secretKeyPattern`; values that only name
where a secret lives (`${VAR}`, `{{ ... }}`, `existingSecret`, empty) pass.

Failing::

    auth:
      adminPassword: hunter2

Passing::

    auth:
      existingSecret: grafana-admin   # created by an ExternalSecret
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.support import is_helm, values_location
from blueprintc.yamldoc import PathKey, json_path


@rule(
    "BPG007",
    "plaintext-secret",
    Severity.ERROR,
    "a chart value holds a literal secret",
    "remove the literal; reference a Secret created by an ExternalSecret (existingSecret)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or ctx.values_yaml is None:
        return
    key_pattern = ctx.canon.regex("charts", "secretKeyPattern")
    reference = ctx.canon.regex("charts", "secretReferencePattern")
    for path, value in _strings(ctx.values, ()):
        if key_pattern.match(str(path[-1])) and not reference.search(value.strip()):
            yield Finding(
                f"{json_path(path)} holds a literal secret value (not shown)",
                values_location(ctx, path),
            )


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))
    elif isinstance(node, str) and path and isinstance(path[-1], str):
        yield path, node


RULE = check
