"""Each `when:` predicate of `spec.depends` is one compile can evaluate.

A dependency's `when` decides, per Application, whether the dependency is
installed. Lint checks it with the parser compile uses (`blueprintc.plan.
predicates.validate`): the syntax, the allowed language (references into
`.config`, `.application`, `.environment`, `.sovereign`; comparisons, `in`,
`and`/`or`/`not`, `+`, `-`, `~`; tests such as `is defined`; no calls,
filters or `_` names). What depends on an Application's config (a missing
key, comparing a string with a number, an overflow) is found by compile
(BPP012), at the same place and in the same words. The finding points at
the offending character of the predicate.

Failing::

    depends:
      - blueprint: bp-postgres
        when: "{{ .config.postgres.mode = 'embedded' }}"   # `=`, not `==`

Passing::

    depends:
      - blueprint: bp-postgres
        when: "{{ .config.postgres.mode == 'embedded' }}"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from blueprintc.diagnostics import Finding, Location, Severity
from blueprintc.model.blueprint import Dependency
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.yamldoc import YamlDoc, json_path

if TYPE_CHECKING:
    from blueprintc.plan.predicates import PredicateError


@rule(
    "BPS005",
    "when-predicate-syntax",
    Severity.ERROR,
    "a `when:` predicate of spec.depends is not a valid predicate",
    "write a boolean expression such as {{ .config.postgres.mode == 'embedded' }}",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    for dep in ctx.blueprint.depends:
        if dep.when is not None:
            # Jinja's parser (~30 ms to import) only for a Blueprint that has a predicate:
            # most pre-commit runs lint Blueprints without one.
            from blueprintc.plan.predicates import validate

            error = validate(dep.when)
            if error is not None:
                yield predicate_finding(ctx.blueprint.doc, dep, error)


def predicate_finding(doc: YamlDoc, dep: Dependency, error: PredicateError) -> Finding:
    """The finding for `dep`'s predicate, at the character the error names (lint and compile)."""
    path = (*dep.path, "when")
    line, column = doc.locate_in_string(path, error.column - 1)
    location = Location(doc.source.rel, line, column, json_path(path))
    return Finding(f"when predicate of {dep.blueprint}: {error.message}", location)


RULE = check
