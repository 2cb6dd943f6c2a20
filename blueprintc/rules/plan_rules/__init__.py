"""Plan rules: what `blueprintc compile` finds when it puts the whole picture together.

They are raised by the planner (blueprintc/compile), each at the line of the
Organization, Sovereign or Blueprint file that causes it.
"""

from __future__ import annotations

from blueprintc.rules.plan_rules import applications, kits, promotion, topology

RULES = [*applications.RULES, *topology.RULES, *kits.RULES, *promotion.RULES]
