"""`spec.configSchema` is a valid JSON Schema, and its defaults satisfy it.

An Application's config is validated against the Blueprint's
`configSchema` (draft 2020-12, with `x-catalyst-ui-hint` extensions) and
its defaults are applied from it. A schema that is itself invalid (a
`type: text`, a broken `pattern`) or a default outside its own `enum`,
`minimum` or `maximum` breaks every Application of the Blueprint.

Failing::

    configSchema:
      type: object
      properties:
        replicas: {type: integer, default: 0, minimum: 1}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.formats import draft_2020_12_conforms, format_checker
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.schemacheck import certainly_valid_schema
from blueprintc.schemas import validate_config_schema
from blueprintc.yamldoc import PathKey, json_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

BASE: PathKey = ("spec", "configSchema")


@rule(
    "BPS002",
    "config-schema",
    Severity.ERROR,
    "spec.configSchema is not a valid JSON Schema, or a default violates it",
    "fix the schema keyword (draft 2020-12) or the default value",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    schema = ctx.blueprint.config_schema
    if schema is None:
        return
    doc = ctx.blueprint.doc
    errors = validate_config_schema(schema)
    for error in errors:
        path = (*BASE, *error.absolute_path)
        line, column = doc.locate(path)
        yield Finding(
            f"{json_path(path)}: {error.message}",
            Location(doc.source.rel, line, column, json_path(path)),
        )
    if not errors:
        yield from _defaults(ctx, schema, BASE)


def _defaults(ctx: BlueprintContext, node: Any, path: PathKey) -> Iterator[Finding]:
    """Each `default` must validate against the subschema that declares it."""
    if not isinstance(node, dict):
        return
    if "default" in node:
        subschema = {k: v for k, v in node.items() if k != "default"}
        valid = certainly_valid_schema(
            subschema, node["default"], draft_2020_12_conforms, long_lived=False
        )
        for error in [] if valid else validator_for_copy(subschema).iter_errors(node["default"]):
            where = (*path, "default")
            line, column = ctx.blueprint.doc.locate(where)
            value = node["default"]
            written = _as_written(ctx, line, column)
            shown = json.dumps(value, default=str)
            hint = None
            base_60 = ctx.blueprint.doc.literals.get(where)
            if isinstance(value, bool) and written.lower() in _YAML11_BOOLEANS:
                shown = f"{written} (YAML 1.1 reads the bare word as {shown})"
                hint = f'quote it: default: "{written}"'
            elif isinstance(value, int | float) and base_60 is not None:
                shown = f"{base_60} (YAML 1.1 reads it as the base-60 number {shown}, Helm as text)"
                hint = f'quote it: default: "{base_60}"'
            yield Finding(
                f"{json_path(where)} {shown} violates its own schema: "
                f"{_english(error.message, value)}",
                Location(ctx.blueprint.rel, line, column, json_path(where)),
                hint,
            )
    for key in ("properties", "$defs", "definitions"):
        children = node.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                yield from _defaults(ctx, child, (*path, key, str(name)))
    if isinstance(node.get("items"), dict):
        yield from _defaults(ctx, node["items"], (*path, "items"))


_YAML11_BOOLEANS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false"})


def _as_written(ctx: BlueprintContext, line: int, column: int) -> str:
    """The plain scalar at (line, column) of blueprint.yaml, as the author wrote it."""
    text = ctx.blueprint.doc.source.line_text(line)[column - 1 :]
    return text.split("#", 1)[0].strip().rstrip(",}]").strip()


def _english(message: str, value: Any) -> str:
    """jsonschema's message names the value as Python writes it (False, None): as YAML."""
    if isinstance(value, bool) or value is None:
        return message.replace(repr(value), json.dumps(value), 1)
    return message


def validator_for_copy(schema: dict[str, Any]) -> Draft202012Validator:
    """A fresh (uncached) validator: subschemas here are temporary objects."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, format_checker=format_checker(Draft202012Validator))


RULE = check
