"""The Sovereign's bootstrap kit and the per-host-cluster Flux entry points.

`clusters/<sovereign>/bootstrap-kit/NN-<blueprint>.yaml` holds a HelmRepository
(type oci) and a HelmRelease per Blueprint, `dependsOn` from the Blueprints'
dependencies. `NN` is the entry's depth in that graph (0: it depends on no other
kit entry), so an added entry renames no other file unless it becomes one of their
dependencies; the kustomization lists the files in topological order. Each host cluster
gets `clusters/<sovereign>/hosts/<host-cluster>/`: its substitution parameters
and the Flux Kustomization that applies the kit with them.
"""

from __future__ import annotations

from typing import Any

from blueprintc.blueprint_names import canonical, lookup
from blueprintc.compile import flux, names
from blueprintc.compile.app_checks import image_tag_numbers
from blueprintc.compile.apps import catalog_hint
from blueprintc.compile.chart_verify import CHART_KEYS_FILE, CHART_KEYS_SECRET, chart_keys_secret
from blueprintc.compile.findings import at, predicate_report, range_problem, report
from blueprintc.compile.inputs import CatalogEntry, Inputs, pinned_version
from blueprintc.compile.kit_checks import crd_findings, misspells, vendored_twice
from blueprintc.compile.kit_manifests import MANIFESTS_ROOT, ManifestDir, manifest_documents
from blueprintc.compile.kit_ownership import ownership_findings
from blueprintc.compile.kit_placement import (
    HOST_KIT_DIR,
    PLACED_DIR,
    host_clusters,
    placements,
)
from blueprintc.compile.kit_release import (
    install_settings,
    kit_layers,
    kit_namespaces,
    kit_values,
    slots,
    upgrade_settings,
)
from blueprintc.compile.kit_release_names import release_name_findings
from blueprintc.compile.parameters import (
    HOST_PARAMETERS,
    PARAMETERS_CONFIGMAP,
    host_parameters,
    parametrise,
)
from blueprintc.compile.refused_values import failure_places, subchart_failure_hint
from blueprintc.compile.render_check import RenderCache, RenderFacts
from blueprintc.compile.retired_values import retired_image_values
from blueprintc.compile.unserved_kinds import unserved_findings
from blueprintc.compile.value_keys import value_findings
from blueprintc.diagnostics import Diagnostic
from blueprintc.emit.model import OutputFile
from blueprintc.model.sovereign import KitEntry, Sovereign
from blueprintc.plan.graph import (
    CycleError,
    Edge,
    MissingDependency,
    build_graph,
    slot_prefix,
)
from blueprintc.plan.predicates import PredicateError, evaluate

MGT = "mgt"  # the management building block
CATALYST_CONFIG_FILE = "catalyst-config.yaml"
NAMESPACES_FILE = "namespaces.yaml"
RELEASE_INTERVAL = "30m"


def plan_kit(
    inputs: Inputs, cache: RenderCache, digest: str, owner: str
) -> tuple[list[OutputFile], list[Diagnostic]]:
    sovereign = inputs.sovereign
    assert sovereign is not None
    found: list[Diagnostic] = []
    entries: dict[str, tuple[KitEntry, CatalogEntry]] = {}
    unresolved: list[str] = []  # kit entries reported (not in the catalog, no version)
    for kit in sovereign.kit:
        entry = _resolve(inputs, sovereign, kit, found)
        if entry is None:
            unresolved.append(canonical(kit.blueprint))
            continue
        if entry.name in entries:
            found.append(_listed_twice(sovereign, entries[entry.name][0], kit))
            continue
        entries[entry.name] = (kit, entry)
    found.extend(vendored_twice(sovereign, entries))
    order, depends = _order(inputs, entries, found, unresolved)
    documents: dict[str, list[dict[str, Any]]] = {}
    root = f"clusters/{sovereign.name}/bootstrap-kit"
    resources = []
    kit_url, kit_secret = sovereign.kit_source
    slot_of = slots(sovereign, entries, order, depends, found)
    slot_count = max(slot_of.values(), default=0) + 1
    kits = {name: kit for name, (kit, _) in entries.items()}
    placed_on = placements(sovereign, kits, depends, found)
    everywhere = frozenset(h.name for h in host_clusters(sovereign))
    host_kits: dict[str, list[str]] = {}  # host -> its placed entries' directories
    rendered: dict[str, RenderFacts] = {}
    for name in order:
        kit, entry = entries[name]
        merged = kit_layers(inputs, kit, name)
        layers = list(merged.layers)
        found.extend(value_findings(inputs.workspace, entry, layers, found))
        values = parametrise(kit_values(inputs, kit, name), sovereign, HOST_PARAMETERS)
        # As its HelmRelease installs it: objects named and placed as on the cluster.
        facts = cache.facts_for(entry, values, (kit.release_name, kit.target_namespace))
        if facts is not None and facts.error is None:
            rendered[name] = facts
        if facts is not None and facts.error is not None:
            where = at(sovereign.doc, kit.path)
            hint = facts.hint or subchart_failure_hint(facts.error, "the kit entry's `values:`")
            for error, place, fix in failure_places(
                facts.error, entry.chart_name, merged, where, hint
            ):
                message = f"bootstrap-kit entry {name} does not {facts.stage}: {error}"
                found.append(report("BPP016", message, place, fix))
        if facts is not None and facts.number_tags:
            subject = f"bootstrap-kit entry {name}"
            found.extend(image_tag_numbers(inputs, subject, merged, facts))
        if facts is not None and facts.retired_images:
            found.extend(retired_image_values(f"bootstrap-kit entry {name}", merged, facts))
        for service in facts.nodeports if facts is not None else ():
            found.append(
                report(
                    "BPP009",
                    f"bootstrap-kit entry {name} renders NodePort Service {service}",
                    at(sovereign.doc, kit.path),
                )
            )
        labels = names.labels(
            sovereign=sovereign.name, blueprint=entry.name, blueprint_version=entry.version
        )
        file = f"{slot_prefix(slot_of[name], slot_count)}-{name}.yaml"
        release_documents = [
            flux.helm_repository(
                name, parametrise(kit_url, sovereign), labels, secret=kit_secret or None
            ),
            flux.helm_release(
                name=name,
                namespace=flux.FLUX_NAMESPACE,
                release_name=kit.release_name,
                target_namespace=kit.target_namespace,
                chart=entry.name,
                version=entry.version,
                repository=name,
                repository_namespace=flux.FLUX_NAMESPACE,
                labels=labels,
                values=values,
                depends_on=[{"name": d} for d in depends.get(name, [])],
                verify_secret=CHART_KEYS_SECRET if sovereign.registry_keys else None,
                interval=kit.interval or RELEASE_INTERVAL,
                timeout=kit.timeout,
                install=install_settings(kit),
                upgrade=upgrade_settings(kit),
            ),
        ]
        if placed_on[name] == everywhere:
            documents[f"{root}/{file}"] = release_documents
            resources.append(file)
            continue
        placed = f"{PLACED_DIR}/{file.removesuffix('.yaml')}"
        documents[f"{root}/{placed}/{file}"] = release_documents
        documents[f"{root}/{placed}/kustomization.yaml"] = [flux.kustomization([file])]
        for host in placed_on[name]:
            host_kits.setdefault(host, []).append(placed)
    found.extend(crd_findings(sovereign, entries, rendered, depends, inputs.catalog))
    found.extend(unserved_findings(inputs, entries, rendered, cache))
    found.extend(ownership_findings(sovereign, entries, rendered, placed_on, order))
    found.extend(release_name_findings(sovereign, entries, placed_on))
    resources.sort()  # by slot: every dependency's file before its dependents'
    namespaces = kit_namespaces(sovereign, [kit for kit, _ in entries.values()], found)
    if namespaces:
        documents[f"{root}/{NAMESPACES_FILE}"] = namespaces
        resources.insert(0, NAMESPACES_FILE)
    if sovereign.registry_keys:
        secret_labels = names.labels(sovereign=sovereign.name)
        documents[f"{root}/{CHART_KEYS_FILE}"] = [
            chart_keys_secret(sovereign, flux.FLUX_NAMESPACE, secret_labels)
        ]
        resources.insert(0, CHART_KEYS_FILE)
    documents[f"{root}/kustomization.yaml"] = [flux.kustomization(resources)]
    documents.update(
        manifest_documents(sovereign, inputs.kit_manifests, lambda d: parametrise(d, sovereign))
    )
    documents.update(_host_files(sovereign, host_kits, inputs.kit_manifests))
    files = [OutputFile(p, tuple(d), digest, owner) for p, d in documents.items()]
    return files, found


def _resolve(
    inputs: Inputs, sovereign: Sovereign, kit: KitEntry, found: list[Diagnostic]
) -> CatalogEntry | None:
    entry = lookup(inputs.catalog, kit.blueprint)
    if entry is None:
        found.append(
            report(
                "BPP002",
                f"bootstrap-kit Blueprint {kit.blueprint} is not in the catalog",
                at(sovereign.doc, (*kit.path, "blueprint")),
                hint=catalog_hint(kit.blueprint, inputs.catalog),
            )
        )
        return None
    problem = range_problem(kit.version, entry.known_version)
    if problem is not None:
        found.append(
            report(
                "BPP003",
                f"bootstrap-kit {kit.blueprint}: {problem}",
                at(sovereign.doc, (*kit.path, "version")),
            )
        )
        return None
    where = at(sovereign.doc, (*kit.path, "blueprint"))
    found.extend(pinned_version(entry, f"bootstrap-kit entry {kit.blueprint}", where))
    return entry


def _listed_twice(sovereign: Sovereign, first: KitEntry, second: KitEntry) -> Diagnostic:
    return report(
        "BPP020",
        f"bootstrap-kit lists {canonical(second.blueprint)} twice "
        f"(as {first.blueprint!r} and {second.blueprint!r})",
        at(sovereign.doc, (*second.path, "blueprint")),
        hint="keep one entry per Blueprint and delete the other",
    )


def _order(
    inputs: Inputs,
    entries: dict[str, tuple[KitEntry, CatalogEntry]],
    found: list[Diagnostic],
    unresolved: list[str],
) -> tuple[list[str], dict[str, list[str]]]:
    """Slot order and `dependsOn` of the kit from the Blueprints' `depends`.

    A kit Blueprint's dependencies must be in the kit: Flux `dependsOn` only
    reaches HelmReleases of the same cluster. A dependency that a reported kit entry
    names, or most likely meant (`bp-cert-manger` for bp-cert-manager), is not
    reported again at each Blueprint that depends on it.
    """
    edges: dict[str, list[Edge]] = {}
    sovereign = inputs.sovereign
    assert sovereign is not None
    for name, (kit, entry) in entries.items():
        blueprint = entry.blueprint
        context = {
            "config": kit.values,
            "application": {"name": kit.release_name, "blueprint": name},
            "sovereign": {"name": sovereign.name},
        }
        edges[name] = []
        for dep in blueprint.depends:
            if dep.when is not None:
                try:
                    if not evaluate(dep.when, context):
                        continue
                except PredicateError as exc:
                    found.append(predicate_report(blueprint.doc, dep, exc))
                    continue
            target = canonical(dep.blueprint)
            edges[name].append(Edge(target, dep.version, None, at(blueprint.doc, dep.path)))
        for i, extra in enumerate(kit.depends_on):  # ordering the Blueprints do not declare
            where = at(sovereign.doc, (*kit.path, "dependsOn", i))
            edges[name].append(Edge(canonical(extra), None, None, where))
    available = {name: [entry.version] for name, (_, entry) in entries.items()}
    graph = build_graph(edges, available)
    for error in graph.errors:
        if isinstance(error, CycleError):
            found.append(report("BPP001", error.message, error.location))
        elif isinstance(error, MissingDependency):
            if _meant(error.target, unresolved, inputs):
                continue  # the kit entry's own finding says what is wrong
            if lookup(inputs.catalog, error.target) is None:  # a name no Blueprint has
                missing_from = "the catalog"
                hint = catalog_hint(error.target, inputs.catalog)
            else:
                missing_from = "the bootstrap kit"
                hint = f"add {error.target} to the Sovereign's bootstrapKit"
            message = (
                f"bootstrap-kit Blueprint {error.source} depends on {error.target}, "
                f"which is not in {missing_from}"
            )
            found.append(report("BPP002", message, error.location, hint=hint))
        else:
            found.append(report("BPP003", error.message, error.location))
    order = [name for name in graph.order() if name in entries]
    depends = {
        name: [d for d in graph.dependencies(name, transitive=False) if d in entries]
        for name in order
    }
    return order, depends


def _meant(target: str, unresolved: list[str], inputs: Inputs) -> bool:
    """Whether a reported kit entry is `target`: the same name (its version did not
    match), or a misspelling of it (a name the catalog lacks, nearly `target`: closer
    than bp-postgres is to bp-postgres-shared, which may be missing in its own right)."""
    return target in unresolved or any(
        misspells(name, target, inputs.catalog) for name in unresolved
    )


def management_host(sovereign: Sovereign) -> str | None:
    """The host cluster that applies ``system/catalyst-config/`` (the Organizations,
    Environments and EnvironmentPolicies, which the platform's controllers read on the
    management building block): the primary region's ``mgt`` cluster of the first
    env type (``envTypes``' order, prod by default). None without such a cluster."""
    primary = sovereign.primary
    if primary is None or MGT not in primary.building_blocks:
        return None
    env_type = (sovereign.env_types or ("prod",))[0]
    return names.host_cluster(primary.provider, primary.region, MGT, env_type)


def _host_files(
    sovereign: Sovereign, host_kits: dict[str, list[str]], manifests: list[ManifestDir]
) -> dict[str, list[dict[str, Any]]]:
    """Each host cluster's entry point: parameters, the Kustomization applying the kit
    (its own `kit/` when it installs placed entries), those applying the plain manifest
    directories before and after it and, on the management host, the one applying
    catalyst-config."""
    documents: dict[str, list[dict[str, Any]]] = {}
    catalyst_host = management_host(sovereign)
    settings = sovereign.kit_settings
    shared = f"clusters/{sovereign.name}/bootstrap-kit"
    for cluster in host_clusters(sovereign):
        host = cluster.name
        labels = names.labels(
            sovereign=sovereign.name,
            host_cluster=host,
            building_block=cluster.building_block,
            env_type=cluster.env_type,
        )
        data = host_parameters(
            sovereign,
            host,
            cluster.provider,
            cluster.region,
            cluster.building_block,
            cluster.env_type,
        )
        root = f"clusters/{sovereign.name}/hosts/{host}"
        resources = ["parameters.yaml", "bootstrap-kit.yaml"]
        for step in manifests:
            resources.append(f"{step.name}.yaml")
            documents[f"{root}/{step.name}.yaml"] = [
                flux.flux_kustomization(
                    name=step.name,
                    path=f"./clusters/{sovereign.name}/{MANIFESTS_ROOT}/{step.name}",
                    source=settings.source,
                    labels=labels,
                    substitute_from=PARAMETERS_CONFIGMAP,
                    depends_on=["bootstrap-kit"] if step.stage == "after" else None,
                    interval=settings.interval,
                    timeout=settings.timeout,
                )
            ]
        if host == catalyst_host:
            resources.append(CATALYST_CONFIG_FILE)
            documents[f"{root}/{CATALYST_CONFIG_FILE}"] = [
                flux.flux_kustomization(
                    name="catalyst-config",
                    path="./system/catalyst-config",
                    source=settings.source,
                    labels=labels,
                    depends_on=["bootstrap-kit"],
                )
            ]
        documents[f"{root}/kustomization.yaml"] = [flux.kustomization(resources)]
        documents[f"{root}/parameters.yaml"] = [
            flux.config_map(PARAMETERS_CONFIGMAP, flux.FLUX_NAMESPACE, data, labels)
        ]
        kit_path = shared
        if host in host_kits:
            kit_path = f"{root}/{HOST_KIT_DIR}"
            up = "../../../bootstrap-kit"  # from hosts/<host>/kit/ to the shared kit
            bases = [up] + [f"{up}/{placed}" for placed in sorted(host_kits[host])]
            documents[f"{kit_path}/kustomization.yaml"] = [flux.kustomization(bases)]
        documents[f"{root}/bootstrap-kit.yaml"] = [
            flux.flux_kustomization(
                name="bootstrap-kit",
                path=f"./{kit_path}",
                source=settings.source,
                labels=labels,
                substitute_from=PARAMETERS_CONFIGMAP,
                depends_on=[m.name for m in manifests if m.stage == "before"] or None,
                interval=settings.interval,
                wait=settings.wait,
                timeout=settings.timeout,
            )
        ]
    return documents
