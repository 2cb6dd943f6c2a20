"""What `lint --since REF` finds an upgrade from the ref's merge base does not do: each
changed chart read at both ends once (`base_charts`), then its immutable fields
(BPG019, `immutable_changes`) and its crds/ (BPG020, BPG021, `crd_upgrades`)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from blueprintc.build.base_charts import charts_at_base
from blueprintc.build.changed import Comparison
from blueprintc.build.crd_upgrades import crd_upgrades
from blueprintc.build.immutable_changes import immutable_changes
from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import make_diagnostic
from blueprintc.rules.guards.version_in_immutable import RULE as IMMUTABLE


def upgrade_findings(
    comparison: Comparison,
    offline: bool = False,
    only: Collection[Path] | None = None,
    build_dependencies: bool = False,
) -> list[Diagnostic]:
    """The findings of every Blueprint whose chart changed since the base (of those whose
    directory is in `only`, when given; `build_dependencies`: `charts_at_base`'s)."""
    found = []
    for pair in charts_at_base(comparison, offline, only, build_dependencies):
        found.extend(make_diagnostic(IMMUTABLE, f) for f in immutable_changes(pair))
        found.extend(make_diagnostic(rule, f) for rule, f in crd_upgrades(pair))
    return found
