"""The rule registry: explicit lists per family, so a moved module can never vanish silently."""

from __future__ import annotations

from blueprintc.rules import (
    domains,
    guards,
    input_rules,
    naming,
    output_rules,
    plan_rules,
    schema,
    terms,
)
from blueprintc.rules.base import Rule

_ALL: list[Rule] = [
    *input_rules.RULES,
    *schema.RULES,
    *guards.RULES,
    *naming.RULES,
    *domains.RULES,
    *terms.RULES,
    *plan_rules.RULES,
    *output_rules.RULES,
]

RULES: dict[str, Rule] = {r.id: r for r in sorted(_ALL, key=lambda r: r.id)}
if len(RULES) != len(_ALL):  # pragma: no cover - a programming error caught at import
    raise RuntimeError("two rules share an id")

__all__ = ["RULES", "Rule"]
