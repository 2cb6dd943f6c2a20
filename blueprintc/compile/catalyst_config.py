"""`system/catalyst-config/`: Organization, Environment and EnvironmentPolicy resources."""

from __future__ import annotations

from typing import Any

from blueprintc.compile import names
from blueprintc.model.organization import Environment, Organization
from blueprintc.model.sovereign import Sovereign

API = "catalyst.openova.io/v1alpha1"
ROOT = "system/catalyst-config"
PROMOTION_ORDER = ("dev", "poc", "uat", "stg", "prod")
WINDOW_KEYS = ("days", "start", "end", "timezone")


def organization_resource(sovereign: Sovereign, org: Organization, pool: str) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "Organization",
        "metadata": {
            "name": org.slug,
            "labels": names.labels(sovereign=sovereign.name, organization=org.slug),
        },
        "spec": {
            "displayName": org.display_name,
            "poolDomain": pool,
            "regions": list(org.regions),
            "environments": [e.env_type for e in org.environments],
        },
    }


def environment_resource(
    sovereign: Sovereign, org: Organization, env: Environment, vclusters: list[str]
) -> dict[str, Any]:
    name = names.environment(org.slug, env.env_type)
    return {
        "apiVersion": API,
        "kind": "Environment",
        "metadata": {
            "name": name,
            "labels": names.labels(
                sovereign=sovereign.name,
                organization=org.slug,
                environment=name,
                env_type=env.env_type,
            ),
        },
        "spec": {
            "organization": org.slug,
            "envType": env.env_type,
            "branch": env.branch,
            "vclusters": vclusters,
            "policyRef": {"name": names.policy(org.slug, env.env_type)},
        },
    }


def policy_resource(sovereign: Sovereign, org: Organization, env: Environment) -> dict[str, Any]:
    """The policy a promotion *into* this Environment must satisfy."""
    return {
        "apiVersion": API,
        "kind": "EnvironmentPolicy",
        "metadata": {
            "name": names.policy(org.slug, env.env_type),
            "labels": names.labels(
                sovereign=sovereign.name,
                organization=org.slug,
                environment=names.environment(org.slug, env.env_type),
                env_type=env.env_type,
            ),
        },
        "spec": {
            "environment": names.environment(org.slug, env.env_type),
            "promotesFrom": promotion_source(org, env),
            "requiredApprovers": env.policy.required_approvers,
            "soakDuration": env.policy.soak_duration,
            "minREScore": env.policy.min_re_score,
            "changeWindows": [_window(w) for w in env.policy.change_windows],
        },
    }


def _window(window: dict[str, Any]) -> dict[str, Any]:
    """A change window in one key order, whatever order its input file used."""
    known = [k for k in WINDOW_KEYS if k in window]
    rest = sorted((k for k in window if k not in WINDOW_KEYS), key=str)
    return {k: window[k] for k in (*known, *rest)}


def promotion_source(org: Organization, env: Environment) -> str | None:
    """The env type promotions into `env` come from (None: changes reach it directly)."""
    ordered = [e.env_type for e in sorted(org.environments, key=_rank)]
    index = ordered.index(env.env_type)
    return ordered[index - 1] if index > 0 else None


def _rank(env: Environment) -> int:
    return PROMOTION_ORDER.index(env.env_type) if env.env_type in PROMOTION_ORDER else 0
