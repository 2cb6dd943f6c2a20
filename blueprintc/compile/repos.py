"""Files of an Application repo branch and of the per-vcluster Flux bootstrap."""

from __future__ import annotations

from typing import Any

from blueprintc.compile import flux, names
from blueprintc.compile.apps import AppPlan, emitted_values
from blueprintc.compile.chart_verify import CHART_KEYS_FILE, CHART_KEYS_SECRET, chart_keys_secret
from blueprintc.compile.parameters import (
    PARAMETERS_CONFIGMAP,
    parametrise,
    vcluster_parameters,
)
from blueprintc.emit.yamlwriter import dump
from blueprintc.model.sovereign import Sovereign

REGISTRY_SOURCE = "catalyst"
FLEET_REPO = "system/fleet"
RECEIVER = "gitea"  # each vcluster's Receiver of its Application repositories' pushes
SIGNING_KEYS_SECRET = "git-signing-keys"  # the OpenPGP public keys Flux verifies with
# Each vcluster's Flux bootstrap (vcluster_files), in the namespace flux.FLUX_NAMESPACE:
ROOT_SOURCE = "environment"  # GitRepository of the fleet repository
ROOT_SYNC = "applications"  # Kustomization applying APPS_DIR, one file per Application
APPS_DIR = "applications"
KUSTOMIZATION = "kustomization.yaml"  # APPS_DIR's list of those files


def app_repo_root(plan: AppPlan) -> str:
    return f"repos/{plan.org.slug}/{plan.app.name}/{plan.env.branch}"


def vcluster_for(plan: AppPlan, region_key: str) -> tuple[str, str, str]:
    """(host cluster, vcluster, `{prov}-{reg}`) of a placement region. The key is not
    split: one written as no `{prov}-{reg}` (`nbg`) is BPP011 at its line, which stops
    the compile, and naming its cluster as written must not fail before that is said."""
    host = names.host_cluster_in(region_key, names.RTZ, plan.env.env_type)
    return host, names.vcluster(host, plan.org.slug), region_key


def app_branch_files(sovereign: Sovereign, plan: AppPlan) -> dict[str, list[dict[str, Any]]]:
    """`base/` (Namespace, HelmRepository, HelmRelease) and one overlay per region."""
    assert plan.entry is not None and plan.placement is not None
    entry, app, org, env = plan.entry, plan.app, plan.org, plan.env
    common = names.labels(
        sovereign=sovereign.name,
        organization=org.slug,
        environment=names.environment(org.slug, env.env_type),
        application=app.name,
        blueprint=entry.name,
        blueprint_version=entry.version,
        env_type=env.env_type,
    )
    registry = parametrise(sovereign.registry, sovereign)
    release = flux.helm_release(
        name=app.name,
        namespace=app.name,
        release_name=app.name,
        target_namespace=app.name,
        chart=entry.name,
        version=entry.version,
        repository=REGISTRY_SOURCE,
        repository_namespace=app.name,
        labels=common,
        values=emitted_values(plan, sovereign),
        depends_on=plan.depends_on,
        verify_secret=CHART_KEYS_SECRET if sovereign.registry_keys else None,
    )
    root = app_repo_root(plan)
    base = ["namespace.yaml", "source.yaml", "helmrelease.yaml"]
    if sovereign.registry_keys:
        base.insert(1, CHART_KEYS_FILE)
    files: dict[str, list[dict[str, Any]]] = {
        f"{root}/kustomization.yaml": [flux.kustomization(["base"])],
        f"{root}/base/kustomization.yaml": [flux.kustomization(base)],
        f"{root}/base/namespace.yaml": [flux.namespace(app.name, common)],
        f"{root}/base/source.yaml": [
            flux.helm_repository(
                REGISTRY_SOURCE,
                registry,
                common,
                namespace=app.name,
                secret=sovereign.registry_secret or None,
            )
        ],
        f"{root}/base/helmrelease.yaml": [release],
    }
    if sovereign.registry_keys:
        files[f"{root}/base/{CHART_KEYS_FILE}"] = [chart_keys_secret(sovereign, app.name, common)]
    for region_key in plan.placement.regions:
        host, vcluster, _ = vcluster_for(plan, region_key)
        region_labels = {
            "openova.io/vcluster": vcluster,
            "openova.io/host-cluster": host,
            "openova.io/building-block": names.RTZ,
        }
        patch = {
            "apiVersion": flux.HELM_API,
            "kind": "HelmRelease",
            "metadata": {"name": app.name, "namespace": app.name},
            "spec": {
                "values": {
                    "global": {
                        "placement": {
                            "mode": plan.placement.mode,
                            "region": region_key,
                            "role": plan.placement.role(region_key),
                            "regions": list(plan.placement.regions),
                        }
                    }
                }
            },
        }
        overlay = flux.kustomization(["../../base"])
        overlay["labels"] = [{"pairs": region_labels}]
        overlay["patches"] = [
            {"target": {"kind": "HelmRelease", "name": app.name}, "patch": _patch_text(patch)}
        ]
        files[f"{root}/regions/{region_key}/kustomization.yaml"] = [overlay]
    return files


def _patch_text(patch: dict[str, Any]) -> str:
    return dump(patch)


def vcluster_files(
    sovereign: Sovereign, vcluster: str, host: str, plans: list[tuple[AppPlan, str]]
) -> dict[str, list[dict[str, Any]]]:
    """The Flux bootstrap of one vcluster: GitRepository `environment`, Kustomization
    `applications`, and per Application its repo (on the Environment's branch) and
    the Kustomization that syncs that vcluster's region overlay."""
    first = plans[0][0]
    org, env = first.org, first.env
    scope = {
        "sovereign": sovereign.name,
        "organization": org.slug,
        "environment": names.environment(org.slug, env.env_type),
        "vcluster": vcluster,
        "host_cluster": host,
        "building_block": names.RTZ,
        "env_type": env.env_type,
    }
    base_labels = names.labels(**scope)
    git = parametrise(sovereign.git_base_url.rstrip("/"), sovereign)
    root = f"vclusters/{vcluster}"
    params = vcluster_parameters(sovereign, vcluster, org.slug)
    bootstrap = ["parameters.yaml", f"{ROOT_SOURCE}.yaml", f"{ROOT_SYNC}.yaml"]
    verify_secret = SIGNING_KEYS_SECRET if sovereign.signing_keys else None
    if verify_secret:
        bootstrap.insert(0, "signing-keys.yaml")
    if sovereign.receiver_url:
        bootstrap.append("receiver.yaml")
    files: dict[str, list[dict[str, Any]]] = {
        f"{root}/kustomization.yaml": [flux.kustomization(["flux-system"])],
        f"{root}/flux-system/kustomization.yaml": [flux.kustomization(bootstrap)],
        f"{root}/flux-system/parameters.yaml": [
            flux.config_map(PARAMETERS_CONFIGMAP, flux.FLUX_NAMESPACE, params, base_labels)
        ],
        f"{root}/flux-system/{ROOT_SOURCE}.yaml": [
            flux.git_repository(ROOT_SOURCE, f"{git}/{FLEET_REPO}.git", "main", base_labels)
        ],
        f"{root}/flux-system/{ROOT_SYNC}.yaml": [
            flux.flux_kustomization(
                name=ROOT_SYNC,
                path=f"./{root}/{APPS_DIR}",
                source=ROOT_SOURCE,
                labels=base_labels,
                substitute_from=PARAMETERS_CONFIGMAP,
            )
        ],
    }
    if verify_secret:
        files[f"{root}/flux-system/signing-keys.yaml"] = [
            flux.public_key_secret(
                verify_secret, flux.FLUX_NAMESPACE, sovereign.signing_keys, base_labels
            )
        ]
    if sovereign.receiver_url:
        url = parametrise(sovereign.receiver_url.replace("{vcluster}", vcluster), sovereign)
        apps = sorted(plan.app.name for plan, _ in plans)
        files[f"{root}/flux-system/receiver.yaml"] = [
            flux.receiver(
                RECEIVER, flux.FLUX_NAMESPACE, sovereign.receiver_secret, apps, base_labels, url
            )
        ]
    resources = []
    for plan, region_key in sorted(plans, key=lambda p: p[0].app.name):
        assert plan.entry is not None
        app = plan.app
        labels = names.labels(
            **scope,
            application=app.name,
            blueprint=plan.entry.name,
            blueprint_version=plan.entry.version,
        )
        source = flux.git_repository(
            app.name,
            f"{git}/{org.slug}/{app.name}.git",
            env.branch,
            labels,
            verify_secret=verify_secret,
        )
        sync = flux.flux_kustomization(
            name=app.name,
            path=f"./regions/{region_key}",
            source=app.name,
            labels=labels,
            substitute_from=PARAMETERS_CONFIGMAP,
            depends_on=[d["name"] for d in plan.depends_on],
        )
        files[f"{root}/{APPS_DIR}/{app.name}.yaml"] = [source, sync]
        resources.append(f"{app.name}.yaml")
    files[f"{root}/{APPS_DIR}/{KUSTOMIZATION}"] = [flux.kustomization(resources)]
    return files


def reserved_application_names() -> dict[str, str]:
    """The names an Application may not take, each with what vcluster_files gives it to:
    an Application `{app}` gets its own GitRepository and Kustomization `{app}` in
    flux.FLUX_NAMESPACE, its Namespace `{app}` and the file `{APPS_DIR}/{app}.yaml`, so
    these would define the bootstrap's own objects (or Flux's namespace) a second time."""
    ns = flux.FLUX_NAMESPACE
    return {
        ROOT_SOURCE: f"the GitRepository {ns}/{ROOT_SOURCE} every vcluster's Flux syncs from",
        ROOT_SYNC: f"the Kustomization {ns}/{ROOT_SYNC} applying a vcluster's Applications",
        ns: f"the namespace {ns} of Flux itself, which pruning the Application would delete",
        KUSTOMIZATION.removesuffix(".yaml"): f"{APPS_DIR}/{KUSTOMIZATION}, the list of a "
        "vcluster's Applications",
    }
