"""A Blueprint is named `bp-<name>`, after its directory.

CANON §1: a Blueprint is published as `<registry>/bp-<name>:<semver>`. The
schema accepts a bare `metadata.name` (19 of the 48 real files omit the
prefix), so this rule warns instead of failing, and points at
`metadata.name`. It also warns when the name without its prefix differs from
the Blueprint's directory: the catalog, the release name and the artifact
would disagree about what the Blueprint is called.

The prefix comes from the canon (`blueprint.namePrefix`).

Failing (in `blueprints/harbor/blueprint.yaml`)::

    metadata:
      name: harbor            # no bp- prefix
    ---
    metadata:
      name: bp-registry       # directory is harbor

Passing::

    metadata:
      name: bp-harbor
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import at, rule
from blueprintc.rules.context import BlueprintContext

_PATH = ("metadata", "name")


@rule(
    "BPN001",
    "blueprint-name-prefix",
    Severity.WARNING,
    "metadata.name lacks the bp- prefix or differs from the Blueprint's directory",
    "name the Blueprint bp-<directory name>",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    bp = ctx.blueprint
    if not bp.name:
        return
    prefix = str(ctx.canon.section("blueprint").get("namePrefix", ""))
    where = at(bp.rel, bp.doc.locate(_PATH), "metadata.name")
    directory = bp.dir.name
    bare = bp.name[len(prefix) :] if prefix and bp.name.startswith(prefix) else bp.name
    if prefix and not bp.name.startswith(prefix):
        yield Finding(
            f"Blueprint name '{bp.name}' lacks the '{prefix}' prefix",
            where,
            hint=f"rename metadata.name to '{prefix}{bp.name}'",
        )
    if bare != directory:
        yield Finding(
            f"Blueprint name '{bp.name}' does not match its directory '{directory}'",
            where,
            hint=f"rename metadata.name to '{prefix}{directory}', or the directory to '{bare}'",
        )


RULE = check
