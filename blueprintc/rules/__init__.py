"""The rule registry: an explicit list, so a moved module can never silently vanish."""

from __future__ import annotations

from blueprintc.rules import input_rules
from blueprintc.rules.base import Rule

_ALL: list[Rule] = [
    *input_rules.RULES,
]

RULES: dict[str, Rule] = {r.id: r for r in sorted(_ALL, key=lambda r: r.id)}

__all__ = ["RULES", "Rule"]
