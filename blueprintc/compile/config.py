"""Application config: validated against the Blueprint's configSchema, defaults applied."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic
from blueprintc.formats import draft_2020_12_conforms
from blueprintc.mapping import deep_merge
from blueprintc.rules.schema.support import (
    closest_allowed_key,
    misspelt_key_hint,
    unexpected_keys,
)
from blueprintc.schemacheck import certainly_valid_schema
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

if TYPE_CHECKING:  # built for a config the quick walk is not certain of (jsonschema: ~130 ms)
    from jsonschema import Draft202012Validator, ValidationError

_VALIDATORS: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    entry = _VALIDATORS.get(id(schema))
    if entry is None:
        from jsonschema import Draft202012Validator

        from blueprintc.formats import format_checker

        entry = (
            schema,
            Draft202012Validator(schema, format_checker=format_checker(Draft202012Validator)),
        )
        _VALIDATORS[id(schema)] = entry
    return entry[1]


def schema_defaults(schema: dict[str, Any] | None) -> dict[str, Any]:
    """The object a configSchema's `default`s describe (nested `properties` only)."""
    if not isinstance(schema, dict):
        return {}
    result: dict[str, Any] = {}
    properties = schema.get("properties")
    for name, sub in (properties or {}).items() if isinstance(properties, dict) else ():
        if not isinstance(sub, dict):
            continue
        if "default" in sub:
            result[name] = copy.deepcopy(sub["default"])
        elif sub.get("type") == "object" or "properties" in sub:
            nested = schema_defaults(sub)
            if nested:
                result[name] = nested
    return result


def default_path(schema: dict[str, Any] | None, path: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where, below the configSchema, the default `schema_defaults` took for the value at
    `path` is written (`properties.webapp.properties.ui.default.message`): the outermost
    `default` on the way down, as `schema_defaults` takes it. The deepest schema reached
    when no default covers `path`."""
    found: tuple[Any, ...] = ()
    node = schema
    for index, part in enumerate(path):
        properties = node.get("properties") if isinstance(node, dict) else None
        sub = properties.get(part) if isinstance(properties, dict) else None
        if not isinstance(sub, dict):
            return found
        found = (*found, "properties", part)
        if "default" in sub:
            return (*found, "default", *path[index + 1 :])
        node = sub
    return found


def effective_config(
    schema: dict[str, Any] | None,
    config: dict[str, Any],
    env_config: dict[str, Any],
    config_at: tuple[YamlDoc, PathKey],
    env_at: tuple[YamlDoc, PathKey],
) -> tuple[dict[str, Any], list[Diagnostic], frozenset[str]]:
    """Defaults < Application config < per-Environment config, then validated; a
    finding is reported where its key was set (`config_at`: the Organization file, or
    blueprintc.lock for a locked Environment; `env_at`: the per-Environment config).
    Also the top-level keys the configSchema refused (each is one of the findings)."""
    explicit = deep_merge(config, env_config)
    effective = deep_merge(schema_defaults(schema), explicit)
    if not isinstance(schema, dict):
        return effective, [], frozenset()
    # The configSchema lives as long as the compile's inputs (as in _VALIDATORS), so the
    # walk's plans are kept: N = 100's 1,500 configs took 0.12 s re-planned each time,
    # 0.06 s with them kept (0.21 s through jsonschema).
    if certainly_valid_schema(schema, effective, draft_2020_12_conforms):
        return effective, [], frozenset()  # what jsonschema would say, without it
    diagnostics = []
    refused: set[str] = set()
    for error in _validator(schema).iter_errors(effective):
        inner: PathKey = tuple(error.absolute_path)
        unexpected = unexpected_keys(error)
        if not inner:
            refused.update(unexpected)
        if unexpected:  # at the misspelt key, in the file that set it
            inner = (*inner, unexpected[0])
        doc, base = env_at if _has(env_config, inner) else config_at
        diagnostics.append(
            report(
                "BPP004",
                f"config {json_path(inner[: len(inner) - bool(unexpected)]) or '(root)'}: "
                f"{error.message}",
                at(doc, (*base, *inner), key=bool(unexpected)),
                hint=_hint(error),
            )
        )
    return effective, diagnostics, frozenset(refused)


def _hint(error: ValidationError) -> str:
    """A misspelt key's closest allowed one, else the configSchema's pointer."""
    close = closest_allowed_key(error)
    if close is not None:
        return misspelt_key_hint(close)
    return "make the config satisfy the Blueprint's configSchema (`blueprintc explain BPP004`)"


def _has(data: Any, path: tuple[Any, ...]) -> bool:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return bool(path)
