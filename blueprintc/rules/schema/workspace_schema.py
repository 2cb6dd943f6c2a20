"""`blueprintc.yaml` matches the workspace schema.

The workspace file selects catalog directories, a canon override and
per-rule settings. A misspelt key (`lnt:`) would silently do nothing, so
it is reported at the key.

Failing::

    kind: Workspace
    lint:
      rulez: {BPN001: off}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.memo import remembered
from blueprintc.rules.schema.support import schema_findings
from blueprintc.schemas import WORKSPACE_SCHEMA, load_schema


@rule(
    "BPS003",
    "workspace-schema",
    Severity.ERROR,
    "blueprintc.yaml does not match the workspace schema",
    "fix the key as the message says; schemas/workspace.schema.json documents every key",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    doc = ctx.workspace.doc
    if doc is not None:  # one file for the whole run: checked once (the same findings after)
        yield from remembered(
            ctx.workspace.memo,
            "BPS003",
            lambda: list(schema_findings(doc, load_schema(WORKSPACE_SCHEMA))),
        )


RULE = check
