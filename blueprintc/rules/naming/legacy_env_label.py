"""The env type goes in `openova.io/env-type`, not `openova.io/environment`.

CANON §2: every emitted object carries `openova.io/environment` (the
Environment, `{org}-{env_type}`) and `openova.io/env-type` (the env type).
The old use of `openova.io/environment` for a bare env type is a rename
target: selectors on the Environment label then match every Organization's
`prod` at once.

Checked: the canon `legacyEnvTypeLabel` whose value is an env type (or a
spelled-out one, `production`), or a template/parameter that reads an
env-type key (`{{ .Values.envType }}`). The finding points at the label key.

Failing (each of these)::

    labels:
      openova.io/environment: prod
    ---
    labels:
      openova.io/environment: {{ .Values.envType }}

Passing::

    labels:
      openova.io/env-type: prod
      openova.io/environment: {{ .Values.organization }}-{{ .Values.envType }}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import codes
from blueprintc.rules.naming.scan import LEGACY, naming_items, scanner
from blueprintc.rules.naming.text import location


@rule(
    "BPN006",
    "legacy-env-type-label",
    Severity.WARNING,
    "the label openova.io/environment carries a bare env type",
    "rename the label to openova.io/env-type",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    table = codes(ctx.canon)
    scan = scanner(ctx.canon)
    label = ctx.canon.section("naming").get("envTypeLabel", "")
    for item in naming_items(ctx):
        if LEGACY not in item.kinds:
            continue
        if item.literal:
            if table.env_alias(item.value) is None:
                continue
        elif not scan.refers_to_env_type(item.value):
            continue
        yield Finding(
            f"label {item.key} carries the env type '{item.value}'",
            location(item.source, item.key_offset),
            hint=f"rename the label to {label}; {item.key} holds the Environment, "
            "{org}-{env_type}",
        )


RULE = check
