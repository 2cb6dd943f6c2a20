"""The literal secrets of a values mapping, as canon `charts` reads chart owners' keys
(BPG007: the chart's own values, and an upstream's defaults that its release renders)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from blueprintc.canon import Canon
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import per_canon
from blueprintc.yamldoc import PathKey


def literal_secrets(ctx: BlueprintContext, values: Any) -> Iterator[tuple[PathKey, str]]:
    """The literal secrets of a values mapping, by canon `charts` (see above): each path
    with its value, stripped."""
    reading = _reading(ctx.canon)
    for path, value in _strings(values, (), reading.references, False):
        literal = value.strip()
        if not reading.key.match(str(path[-1])) or reading.references.reference.search(literal):
            continue
        if not reading.placeholder.search(literal):  # a placeholder says it is none
            yield path, literal


@dataclass(frozen=True)
class _Reading:
    key: re.Pattern[str]  # a key whose literal value is a secret
    placeholder: re.Pattern[str]  # a value that says it must be replaced
    references: _References


def _read_canon(canon: Canon) -> _Reading:
    charts = canon.section("charts")
    return _Reading(
        canon.regex("charts", "secretKeyPattern"),
        re.compile(str(charts.get("secretPlaceholderPattern", "(?!)"))),
        _References(
            re.compile(str(charts.get("secretReferenceKeyPattern", "(?!)"))),
            re.compile(str(charts.get("secretNameKeyPattern", "(?!)"))),
            frozenset(str(k) for k in charts.get("secretKeyMapKeys", [])),
            frozenset(str(k) for k in charts.get("secretKeyNameKeys", [])),
            re.compile(str(charts.get("secretKeyNamePattern", "(?!)"))),
            re.compile(str(charts.get("secretKeyPairPattern", "(?!)"))),
            canon.regex("charts", "secretReferencePattern"),
        ),
    )


@dataclass(frozen=True)
class _References:
    key: re.Pattern[str]  # a key that names a Secret or a key in one
    secret_name: re.Pattern[str]  # a key whose non-empty value names the mapping's Secret
    key_maps: frozenset[str]  # mappings whose entries name keys in a Secret
    key_names: frozenset[str]  # keys whose value names a key in a Secret...
    key_name: re.Pattern[str]  # ...when it looks like one (`token`, `API_KEY`)
    pair: re.Pattern[str]  # ...unless a literal of one of these stands beside: `accessKey`
    reference: re.Pattern[str]  # a value that names where a secret lives

    def named_secret(self, mapping: dict[Any, Any]) -> bool:
        return any(
            self.secret_name.match(str(key)) and isinstance(value, str) and value.strip()
            for key, value in mapping.items()
        )

    def credential_pair(self, mapping: dict[Any, Any]) -> bool:
        """The mapping holds a literal access key (`{accessKey: minio, secretKey: ...}`):
        its `secretKey` is the pair's secret half, not the name of a key."""
        return any(
            self.pair.match(str(key))
            and isinstance(value, str)
            and not self.reference.search(value.strip())
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
            if (
                name in refs.key_names
                and isinstance(value, str)
                and refs.key_name.match(value)
                and not refs.credential_pair(node)
            ):
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


_reading = per_canon(_read_canon)  # read once per canon: every Blueprint asks
