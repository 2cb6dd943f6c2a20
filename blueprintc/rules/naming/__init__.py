"""The naming rule family: every rule module listed explicitly."""

from __future__ import annotations

from blueprintc.rules.base import Rule

RULES: list[Rule] = []
