"""BPP022: the values a release's layers set that its chart never reads, for an
Application's layers (config, overlays, configSchema defaults) and a bootstrap-kit
entry's (its `values:`, the Sovereign overlay): a top-level key the chart does not have
(chart_keys.py), and below a subchart's key a slip or a dotted key (unread_config.py);
with BPP032 (quoted_false.py), what compile says of a release's values."""

from __future__ import annotations

from blueprintc.chartsources import values_key
from blueprintc.compile.chart_keys import closest, predicate_keys, unknown_keys
from blueprintc.compile.findings import report
from blueprintc.compile.inputs import CatalogEntry
from blueprintc.compile.quoted_false import quoted_false_values
from blueprintc.compile.unread_config import known_defaults, unread_config
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.plan.values import Layer
from blueprintc.workspace import Workspace


def value_findings(
    workspace: Workspace,
    entry: CatalogEntry,
    layers: list[Layer],
    found: list[Diagnostic],
    refused: frozenset[str] = frozenset(),
    config: str = "",
) -> list[Diagnostic]:
    """What an Application's or a kit entry's layers give its chart that it never reads
    (BPP022: `unknown_values`, `unread_values_below`) or reads otherwise than written
    (BPP032: `quoted_false_values`); `found`, the findings so far (BPP004's places)."""
    return [
        *unknown_values(workspace, entry, layers, refused, config),
        *unread_values_below(workspace, entry, layers, found),
        *quoted_false_values(workspace, entry, layers),
    ]


def unread_values_below(
    workspace: Workspace, entry: CatalogEntry, layers: list[Layer], found: list[Diagnostic]
) -> list[Diagnostic]:
    """BPP022 below a subchart's key (unread_config.py), for each layer above the chart
    defaults; not at a line where BPP004 already says the configSchema refuses the key."""
    refused = {(d.location.file, d.location.line) for d in found if d.rule == "BPP004"}
    result = []
    for layer in layers:
        if layer.name in ("chart defaults", "configSchema defaults") or not layer.data:
            continue
        for diagnostic, place in unread_config(workspace, entry, layer):
            if place not in refused:
                result.append(diagnostic)
    return result


def unknown_values(
    workspace: Workspace,
    entry: CatalogEntry,
    layers: list[Layer],
    refused: frozenset[str],
    config: str = "",
) -> list[Diagnostic]:
    """BPP022 for each top-level key a layer above the chart defaults sets that the chart
    does not have (chart_keys.py), at the line that set it; not for a key of the
    Application's config (the layers named from `config`) that the configSchema
    `refused` (BPP004 reports it). The hint names the subchart key it belongs below
    when one subchart has it at its top level (`resources` -> `velero.resources`), else
    the closest chart key."""
    known = entry.chart_keys
    if known is None:
        return []
    known |= predicate_keys(entry.blueprint)
    values = entry.chart_values.data if entry.chart_values is not None else None
    found = []
    for layer in layers:
        if layer.name == "chart defaults" or not layer.data:
            continue
        for key in unknown_keys([str(k) for k in layer.data], known):
            if config and layer.name.startswith(config) and key in refused:
                continue  # BPP004 reports the key, an error: this warning would say it again
            # at the key that sets it: a mapping's value starts on the line below
            if layer.name == "configSchema defaults":
                path = ("spec", "configSchema", "properties", key, "default")
                line, column = entry.blueprint.doc.locate(path, key=True)
            else:
                line, column = layer.locate((key,), True) if layer.locate else (1, 1)
            guess = _below_subchart(workspace, entry, key) or closest(
                key, values if isinstance(values, dict) else None, known
            )
            hint = f"did you mean {guess!r}? " if guess else _unread_subchart(workspace, entry)
            found.append(
                report(
                    "BPP022",
                    f"{layer.name} sets {key!r}, a value {entry.name}'s chart does not have: "
                    "Helm passes it and nothing reads it",
                    Location(layer.source, line, column, key),
                    hint=f"{hint}use a key of the chart's values.yaml, or remove the setting",
                )
            )
    return found


def _unread_subchart(workspace: Workspace, entry: CatalogEntry) -> str:
    """When the chart's one dependency is not built (its defaults unread), where a value of
    that upstream goes: a wrapper hands its upstream only what is below the upstream's
    key (the platform's bp-gitea kit entry set `ingress:` beside `gitea:`)."""
    if len(entry.dependencies) != 1:
        return ""
    key = values_key(entry.dependencies[0])
    if known_defaults(workspace, entry, entry.dependencies[0], key) is not None:
        return ""
    return (
        f"if it is a value of the upstream {entry.dependencies[0].get('name')} (not built "
        f"here, so its values were not read), set it below `{key}:`; else "
    )


def _below_subchart(workspace: Workspace, entry: CatalogEntry, key: str) -> str | None:
    """`<subchart key>.<key>` when exactly one subchart has `key` among its own top-level
    defaults (read where Helm reads it): the value was set beside its key, not below."""
    owners = [
        values_key(dep)
        for dep in entry.dependencies
        if key in (known_defaults(workspace, entry, dep, values_key(dep)) or {})
    ]
    return f"{owners[0]}.{key}" if len(owners) == 1 else None
