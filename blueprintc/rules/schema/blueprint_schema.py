"""`blueprint.yaml` matches the Blueprint JSON Schema.

The schema (`schemas/blueprint.schema.json`, also usable by editors through
`# yaml-language-server: $schema=...`) accepts every real-world shape:
both apiVersions, `bp-` or bare names, the version at `spec.version` or
`metadata.version`, `spec.manifests` absent / `{chart}` / `{source}`,
`depends` as names or objects. Anything else, such as a misspelt key, is
reported at the key.

Failing::

    spec:
      vesion: 1.0.0        # unexpected key; and no version anywhere
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.schema.support import schema_findings
from blueprintc.schemas import BLUEPRINT_SCHEMA, load_schema


@rule(
    "BPS001",
    "blueprint-schema",
    Severity.ERROR,
    "blueprint.yaml does not match the Blueprint schema",
    "fix the value as the message says; schemas/blueprint.schema.json documents every key",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not ctx.blueprint.has_file:
        return  # BPI010 says the file is missing
    yield from schema_findings(ctx.blueprint.doc, load_schema(BLUEPRINT_SCHEMA))


RULE = check
