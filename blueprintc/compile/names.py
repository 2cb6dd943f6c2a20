"""Computed names and canon labels (CANON.md §2). Nothing here is typed by hand."""

from __future__ import annotations

from blueprintc.canon import Canon

MANAGED_BY = "blueprintc"
RTZ = "rtz"  # Applications run in the restricted-trust building block.


def host_cluster(provider: str, region: str, building_block: str, env_type: str) -> str:
    """`{prov}-{reg}-{bb}-{env_type}`, e.g. hz-fsn-rtz-prod."""
    return f"{provider}-{region}-{building_block}-{env_type}"


def host_cluster_in(region_key: str, building_block: str, env_type: str) -> str:
    """`host_cluster` of a region key `{prov}-{reg}` as Organizations write it."""
    return f"{region_key}-{building_block}-{env_type}"


def vcluster(host: str, org: str) -> str:
    """Qualified vcluster name `{prov}-{reg}-{bb}-{env_type}-{org}`."""
    return f"{host}-{org}"


def environment(org: str, env_type: str) -> str:
    return f"{org}-{env_type}"


def policy(org: str, env_type: str) -> str:
    return f"{org}-{env_type}-policy"


def location_code(
    canon: Canon, provider: str, region: str, building_block: str, env_type: str
) -> str | None:
    """The four 1-char codes `{p}{r}{b}{e}`, or None when a code is unknown."""
    prov = canon.providers.get(provider)
    if prov is None:
        return None
    reg = prov.get("regions", {}).get(region)
    bb = canon.building_blocks.get(building_block)
    env = canon.env_types.get(env_type)
    if reg is None or bb is None or env is None:
        return None
    return f"{prov['short']}{reg}{bb}{env}"


def tenant_host(component: str, org: str, pool_domain: str) -> str:
    """`console.<org>.<pool-tld>` and `<app>.<org>.<pool-tld>` (CANON.md §3)."""
    return f"{component}.{org}.{pool_domain}"


def labels(**values: str | None) -> dict[str, str]:
    """Canon labels in a fixed order; keys with no value for this object are left out."""
    keys = {
        "managed_by": "app.kubernetes.io/managed-by",
        "sovereign": "openova.io/sovereign",
        "organization": "openova.io/organization",
        "environment": "openova.io/environment",
        "vcluster": "openova.io/vcluster",
        "host_cluster": "openova.io/host-cluster",
        "application": "openova.io/application",
        "blueprint": "openova.io/blueprint",
        "blueprint_version": "openova.io/blueprint-version",
        "building_block": "openova.io/building-block",
        "env_type": "openova.io/env-type",
    }
    values = {"managed_by": MANAGED_BY, **values}
    return {label: str(values[key]) for key, label in keys.items() if values.get(key)}
