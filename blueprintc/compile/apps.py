"""One Application in one Environment: its repo branch content, checked on the way."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blueprintc.blueprint_names import canonical, lookup, same
from blueprintc.compile import names
from blueprintc.compile.config import default_path, effective_config, schema_defaults
from blueprintc.compile.findings import at, predicate_report, range_problem, report
from blueprintc.compile.inputs import CatalogEntry, Inputs, pinned_version
from blueprintc.compile.locked import LockedApp
from blueprintc.compile.overlays import doc_layer, overlay_layer
from blueprintc.compile.parameters import VCLUSTER_PARAMETERS, parametrise
from blueprintc.compile.placement import ResolvedPlacement, resolve_placement
from blueprintc.compile.value_keys import value_findings
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.model.organization import Application, Environment, Organization
from blueprintc.model.sovereign import Sovereign
from blueprintc.plan.predicates import PredicateError, evaluate
from blueprintc.plan.values import Layer, Merged, merge
from blueprintc.yamldoc import PathKey, YamlDoc

CONFIG_LAYER = "Application config"  # the layers of an Application's own config


@dataclass
class AppPlan:
    """What the planner knows about one Application in one Environment."""

    org: Organization
    env: Environment
    app: Application
    entry: CatalogEntry | None
    placement: ResolvedPlacement | None = None
    config: dict[str, Any] = field(default_factory=dict)
    # The Application-level config and where it was set: the Organization file's
    # `config`, or blueprintc.lock's entry for a promotion-gated Environment.
    app_config: dict[str, Any] = field(default_factory=dict)
    config_at: tuple[YamlDoc, PathKey] | None = None
    values: Merged | None = None
    depends_on: list[dict[str, str]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def owner(self) -> str:
        return f"{self.org.slug}/{self.app.name}"


def catalog_hint(name: str, catalog: Mapping[str, Any]) -> str:
    """The Blueprint meant by a name the catalog lacks: the closest name, then all."""
    names = sorted(catalog)
    if not names:
        return "the catalog is empty: add the Blueprint under blueprints/"
    close = difflib.get_close_matches(name, names, 1)
    listed = ", ".join(names)
    return (
        f"did you mean {close[0]}? The catalog has: {listed}" if close else f"use one of: {listed}"
    )


def resolve_blueprint(
    inputs: Inputs, org: Organization, app: Application
) -> tuple[CatalogEntry | None, list[Diagnostic]]:
    entry = lookup(inputs.catalog, app.blueprint)
    if entry is None:
        return None, [
            report(
                "BPP002",
                f"Application {app.name}: Blueprint {app.blueprint} is not in the catalog",
                at(org.doc, (*app.path, "blueprint")),
                hint=catalog_hint(app.blueprint, inputs.catalog),
            )
        ]
    problem = None if app.version is None else range_problem(app.version, entry.known_version)
    if problem is not None:
        return None, [
            report(
                "BPP003",
                f"Application {app.name} ({app.blueprint}): {problem}",
                at(org.doc, (*app.path, "version")),
                hint=f"use a range that includes {entry.version}",
            )
        ]
    where = at(org.doc, (*app.path, "blueprint"))
    return entry, pinned_version(entry, f"Application {app.name}", where)


def plan_application(
    inputs: Inputs,
    org: Organization,
    env: Environment,
    app: Application,
    entry: CatalogEntry,
    siblings: dict[str, Application],
    locked: LockedApp | None = None,
) -> AppPlan:
    plan = AppPlan(org, env, app, entry)
    blueprint = entry.blueprint
    hosting = inputs.sovereign.hosting_regions if inputs.sovereign is not None else None
    plan.placement, found = resolve_placement(org, app, blueprint, hosting)
    plan.diagnostics.extend(found)
    plan.app_config = app.config if locked is None else dict(locked.config)
    plan.config_at = (org.doc, (*app.path, "config")) if locked is None else locked.config_at
    env_at = (org.doc, (*app.path, "environments", env.env_type, "config"))
    plan.config, found, refused = effective_config(
        blueprint.config_schema,
        plan.app_config,
        app.env_config.get(env.env_type, {}),
        plan.config_at,
        env_at,
    )
    plan.diagnostics.extend(found)
    plan.depends_on = _dependencies(inputs, plan, siblings)
    layers = _layers(inputs, plan)
    plan.values = merge(layers)
    found = value_findings(inputs.workspace, entry, layers, plan.diagnostics, refused, CONFIG_LAYER)
    plan.diagnostics.extend(found)
    return plan


def _layers(inputs: Inputs, plan: AppPlan) -> list[Layer]:
    """Chart defaults < configSchema defaults < size < Sovereign < Environment < config."""
    entry = plan.entry
    assert entry is not None
    name = entry.name
    layers = []
    if entry.chart_values is not None and isinstance(entry.chart_values.data, dict):
        layers.append(doc_layer("chart defaults", entry.chart_values, ()))
    defaults = schema_defaults(entry.blueprint.config_schema)
    if defaults:
        layers.append(_defaults_layer(entry, defaults))
    if plan.app.size and plan.app.size in entry.size_overlays:
        layers.append(
            doc_layer(f"size overlay {plan.app.size}", entry.size_overlays[plan.app.size], ())
        )
    env_type = plan.env.env_type
    for layer in (
        overlay_layer("Sovereign overlay", inputs.sovereign_overlay, name),
        overlay_layer(f"Environment overlay {env_type}", inputs.env_overlays.get(env_type), name),
    ):
        if layer is not None:
            layers.append(layer)
    if plan.app_config and plan.config_at is not None:
        doc, path = plan.config_at
        layers.append(doc_layer(CONFIG_LAYER, doc, path))
    env_config = plan.app.env_config.get(plan.env.env_type)
    if env_config:
        path = (*plan.app.path, "environments", plan.env.env_type, "config")
        layers.append(doc_layer(f"{CONFIG_LAYER} ({plan.env.env_type})", plan.org.doc, path))
    return layers


def _defaults_layer(entry: CatalogEntry, defaults: dict[str, Any]) -> Layer:
    """The configSchema defaults, each placed at the `default:` that gives it (not at
    the configSchema's first line, `$schema:`)."""
    doc, schema = entry.blueprint.doc, entry.blueprint.config_schema
    base = ("spec", "configSchema")

    def locate(path: tuple[Any, ...], key: bool = False) -> tuple[int, int]:
        return doc.locate((*base, *default_path(schema, path)), key)

    return Layer("configSchema defaults", doc.source.rel, defaults, locate)


def _dependencies(
    inputs: Inputs, plan: AppPlan, siblings: dict[str, Application]
) -> list[dict[str, str]]:
    """Blueprint dependencies of an Application: the bootstrap kit, or a sibling Application."""
    entry = plan.entry
    assert entry is not None and inputs.sovereign is not None
    kit = {canonical(k.blueprint): k for k in inputs.sovereign.kit}
    context = {
        "config": plan.config,
        "application": {"name": plan.app.name, "blueprint": entry.name},
        "environment": {
            "type": plan.env.env_type,
            "name": names.environment(plan.org.slug, plan.env.env_type),
        },
        "sovereign": {"name": inputs.sovereign.name},
    }
    depends_on = []
    blueprint = entry.blueprint
    for dep in blueprint.depends:
        where = at(blueprint.doc, dep.path)
        if dep.when is not None:
            try:
                if not evaluate(dep.when, context):
                    continue
            except PredicateError as exc:
                plan.diagnostics.append(predicate_report(blueprint.doc, dep, exc))
                continue
        provider = _provider_version(inputs, dep.blueprint, kit, siblings)
        if provider is None:
            plan.diagnostics.append(_missing(plan, dep.blueprint, where))
            continue
        source, version = provider
        problem = None if dep.version is None else range_problem(dep.version, version, source)
        if problem is not None:
            plan.diagnostics.append(
                report(
                    "BPP003",
                    f"{blueprint.name} depends on {dep.blueprint}: {problem}",
                    at(blueprint.doc, (*dep.path, "version")),
                )
            )
            continue
        sibling = next((a for a in siblings.values() if same(a.blueprint, dep.blueprint)), None)
        if sibling is not None and canonical(dep.blueprint) not in kit:
            depends_on.append({"name": sibling.name, "namespace": sibling.name})
    return sorted(depends_on, key=lambda d: d["name"])


def _provider_version(
    inputs: Inputs, blueprint: str, kit: dict[str, Any], siblings: dict[str, Application]
) -> tuple[str, str | None] | None:
    entry = lookup(inputs.catalog, blueprint)
    if entry is None:
        return None
    if canonical(blueprint) in kit:
        return "the bootstrap kit", entry.known_version
    if any(same(a.blueprint, blueprint) for a in siblings.values()):
        return "a sibling Application", entry.known_version
    return None


def _missing(plan: AppPlan, blueprint: str, where: Location) -> Diagnostic:
    return report(
        "BPP002",
        f"Application {plan.app.name} ({plan.entry.name if plan.entry else '?'}) depends on "
        f"{blueprint}, which neither the bootstrap kit nor an Application of "
        f"{plan.org.slug} provides",
        where,
        hint=f"add {blueprint} to the Sovereign's bootstrapKit or as an Application",
    )


def values_digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def emitted_values(plan: AppPlan, sovereign: Sovereign) -> dict[str, Any]:
    """The HelmRelease values: every layer above the chart defaults, parametrised."""
    assert plan.values is not None
    above = [layer for layer in plan.values.layers if layer.name != "chart defaults"]
    return parametrise(merge(above, keep_nulls=True).value, sovereign, VCLUSTER_PARAMETERS)
