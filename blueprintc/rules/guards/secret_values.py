"""The literal secrets of a values mapping, as canon `charts` reads chart owners' keys
(BPG007: the chart's own values, and an upstream's defaults that its release renders)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from blueprintc.rules.context import BlueprintContext
from blueprintc.yamldoc import PathKey


def literal_secrets(ctx: BlueprintContext, values: Any) -> Iterator[tuple[PathKey, str]]:
    """The literal secrets of a values mapping, by canon `charts` (see above): each path
    with its value, stripped."""
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
    for path, value in _strings(values, (), references, False):
        literal = value.strip()
        if not key_pattern.match(str(path[-1])) or reference.search(literal):
            continue
        if not placeholder.search(literal):  # a placeholder says it is none
            yield path, literal


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
