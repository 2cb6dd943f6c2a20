"""Schema rules: input documents match their JSON Schemas."""

from __future__ import annotations

from blueprintc.rules.base import Rule
from blueprintc.rules.schema import (
    blueprint_schema,
    chart_metadata,
    chart_name,
    chart_version,
    config_schema,
    version_bump,
    when_predicate,
    workspace_schema,
)

RULES: list[Rule] = [
    blueprint_schema.RULE,
    config_schema.RULE,
    workspace_schema.RULE,
    chart_metadata.RULE,
    when_predicate.RULE,
    chart_version.RULE,
    version_bump.RULE,
    chart_name.RULE,
]
