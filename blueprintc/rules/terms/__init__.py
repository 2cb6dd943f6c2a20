"""The terms rule family: every rule module listed explicitly."""

from __future__ import annotations

from blueprintc.rules.base import Rule
from blueprintc.rules.terms import banned_term, banned_term_api_name

RULES: list[Rule] = [banned_term.RULE, banned_term_api_name.RULE]
