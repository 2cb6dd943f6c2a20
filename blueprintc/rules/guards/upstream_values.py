"""The values a Blueprint's values files give each vendored upstream, beside the
upstream's own defaults: what BPG014 (keys it never reads) and BPG016 (a quoted "false"
where it has a boolean) judge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from blueprintc.chartsources import values_key
from blueprintc.mapping import deep_merge
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.object_sources import upstream_under
from blueprintc.rules.guards.rendered_objects import values_sets
from blueprintc.rules.guards.upstream_templates import upstream_defaults
from blueprintc.yamldoc import YamlDoc


@dataclass(frozen=True)
class GivenValues:
    doc: YamlDoc  # values.yaml or a `ci/*values.yaml`
    dep: dict[str, Any]  # the upstream's Chart.yaml entry
    key: str  # its key in the values (alias, else name)
    given: dict[str, Any]  # what `doc` sets below the key
    # The upstream's values.yaml; for a ci/ file, with what values.yaml sets below the key
    # over it (chart-testing renders the ci/ file over values.yaml).
    defaults: dict[str, Any]


def values_files(ctx: BlueprintContext) -> list[YamlDoc]:
    """values.yaml, then each `ci/*values.yaml` chart-testing renders the chart with."""
    documents = [ctx.values_yaml] if ctx.values_yaml is not None else []
    return documents + [s.doc for s in values_sets(ctx) if s.doc is not None]


def values_given(ctx: BlueprintContext) -> Iterator[GivenValues]:
    """Each non-empty mapping a values file gives a vendored upstream whose defaults can
    be read (the defaults are read only for an upstream some file gives values)."""
    own = ctx.values_yaml
    values = own.data if own is not None and isinstance(own.data, dict) else {}
    documents = values_files(ctx)
    for dep in ctx.declared_dependencies:
        key = values_key(dep)
        if upstream_under(ctx, key) is None:
            continue
        for doc in documents:
            given = doc.data.get(key) if isinstance(doc.data, dict) else None
            if not isinstance(given, dict) or not given:
                continue
            defaults = upstream_defaults(ctx, dep)
            if not defaults:
                break
            below = values.get(key)
            if doc is not own and isinstance(below, dict):
                defaults = deep_merge(defaults, below)
            yield GivenValues(doc, dep, key, given, defaults)
