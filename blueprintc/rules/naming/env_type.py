"""Env types are `prod`, `stg`, `uat`, `dev` or `poc`.

CANON §1: an Environment is `{org}-{env_type}` with env_type one of the
canon's `envTypes`. `dr` is not one: disaster recovery is a placement of an
Application, not a kind of Environment. Spelled-out words (`production`,
`staging`) break every name derived from the env type.

Checked: literal values under the canon `envTypeKeys` (`envType`, `env_type`,
`environmentType`) and the `openova.io/env-type` label, in values, overlays,
templates and manifests. The hint names the right code (canon
`envTypeAliases`).

Failing::

    envType: production
    labels:
      openova.io/env-type: dr

Passing::

    envType: prod
    labels:
      openova.io/env-type: {{ .Values.envType }}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import Codes, codes
from blueprintc.rules.naming.scan import ENV, naming_items
from blueprintc.rules.naming.text import location


@rule(
    "BPN004",
    "env-type",
    Severity.ERROR,
    "an env-type value is not one of the canon env types",
    "use one of the canon env types: prod, stg, uat, dev, poc",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    table = codes(ctx.canon)
    for item in naming_items(ctx):
        if ENV not in item.kinds or not item.literal or item.value in table.env_types:
            continue
        yield Finding(
            f"env type '{item.value}' (under {item.key}) is not one of {table.env_list()}",
            location(item.source, item.offset),
            hint=_hint(table, item.value),
        )


def _hint(table: Codes, value: str) -> str:
    if value.lower() in table.roles:
        return (
            f"'{value}' is a failover role, a placement rather than an env type: use the "
            "env type of the Environment it serves (e.g. prod)"
        )
    code = table.env_alias(value)
    return f"write '{code}'" if code else f"use one of {table.env_list()}"


RULE = check
