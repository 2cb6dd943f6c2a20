"""The naming rule family: every rule module listed explicitly.

The package also holds what the domains and terms families share: text
helpers (`text`), the canon codes (`codes`) and the host scanner (`hosts`).
Naming imports no other family, so the imports stay acyclic.
"""

from __future__ import annotations

from blueprintc.rules.base import Rule
from blueprintc.rules.naming import (
    blueprint_name,
    cluster_name,
    env_type,
    failover_role,
    legacy_env_label,
    location_code,
)

RULES: list[Rule] = [
    blueprint_name.RULE,
    cluster_name.RULE,
    location_code.RULE,
    env_type.RULE,
    failover_role.RULE,
    legacy_env_label.RULE,
]
