"""No plaintext secrets in chart values.

A literal password, token or key in `values.yaml` is published with the
chart to every registry that mirrors it. Reference a Secret that an
`ExternalSecret` materialises (`existingSecret: <name>`), or leave the value
empty for the overlay to fill from a secret store.

Keys are matched by canon `charts.secretKeyPattern`; values that only name
where a secret lives (`${VAR}`, `{{ ... }}`, `existingSecret`, empty) pass.
Read as chart owners mean them, these name a Secret or a key in one and pass
too (canon `charts`): `existingSecret*` keys (`secretReferenceKeyPattern`),
the keys beside a non-empty `secretName` or `existingSecret`
(`secretNameKeyPattern`: `{secretName: smtp, secretKey: token}`) whose value
looks like a key name (`secretKeyNamePattern`: beside `existingSecret:
redis`, `password: "S3cr3t!value"` is still a secret), the entries of a key
map (`secretKeyMapKeys`: `keys: {apiKey: api-key}`), and a `secretKey` whose
value looks like a key name (`secretKeyNameKeys`: an ExternalSecret's
`data[].secretKey: api-key`). A placeholder that says it must be replaced
(`CHANGE_ME`, `operator-must-override-via-overlay`:
`secretPlaceholderPattern`) is no secret.

Failing::

    auth:
      adminPassword: hunter2

Passing::

    auth:
      existingSecret: grafana-admin   # created by an ExternalSecret
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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
    charts = ctx.canon.section("charts")
    key_pattern = ctx.canon.regex("charts", "secretKeyPattern")
    reference = ctx.canon.regex("charts", "secretReferencePattern")
    placeholder = re.compile(str(charts.get("secretPlaceholderPattern", "(?!)")))
    references = _References(
        re.compile(str(charts.get("secretReferenceKeyPattern", "(?!)"))),
        re.compile(str(charts.get("secretNameKeyPattern", "(?!)"))),
        frozenset(str(k) for k in charts.get("secretKeyMapKeys", [])),
        frozenset(str(k) for k in charts.get("secretKeyNameKeys", [])),
        re.compile(str(charts.get("secretKeyNamePattern", "(?!)"))),
    )
    for path, value in _strings(ctx.values, (), references, False):
        literal = value.strip()
        if not key_pattern.match(str(path[-1])) or reference.search(literal):
            continue
        if not placeholder.search(literal):  # a placeholder says it is none
            yield Finding(
                f"{json_path(path)} holds a literal secret value (not shown)",
                values_location(ctx, path),
            )


@dataclass(frozen=True)
class _References:
    key: re.Pattern[str]  # a key that names a Secret or a key in one
    secret_name: re.Pattern[str]  # a key whose non-empty value names the mapping's Secret
    key_maps: frozenset[str]  # mappings whose entries name keys in a Secret
    key_names: frozenset[str]  # keys whose value names a key in a Secret...
    key_name: re.Pattern[str]  # ...when it looks like one (`token`, `API_KEY`)

    def named_secret(self, mapping: dict[Any, Any]) -> bool:
        return any(
            self.secret_name.match(str(key)) and isinstance(value, str) and value.strip()
            for key, value in mapping.items()
        )


def _strings(
    node: Any, path: PathKey, refs: _References, names_keys: bool
) -> Iterator[tuple[PathKey, str]]:
    """The literal strings that may hold a secret: not those that name a Secret or a key."""
    if isinstance(node, dict):
        siblings_name_keys = refs.named_secret(node)
        for key, value in node.items():
            name = str(key)
            if names_keys or refs.key.match(name):
                continue
            if name in refs.key_names and isinstance(value, str) and refs.key_name.match(value):
                continue
            if isinstance(value, str) and refs.secret_name.match(name):
                continue
            if isinstance(value, str) and siblings_name_keys and refs.key_name.match(value):
                continue  # a key of the named Secret, as written: `password: redis-password`
            yield from _strings(value, (*path, name), refs, name in refs.key_maps)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index), refs, False)
    elif isinstance(node, str) and path and isinstance(path[-1], str):
        yield path, node


RULE = check
