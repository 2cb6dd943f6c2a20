"""Minimal valid objects of every kind blueprintc emits, shared by the validate tests."""

from __future__ import annotations

import copy
from typing import Any

FLUX_META = {"name": "bp-cnpg", "namespace": "flux-system", "labels": {"openova.io/x": "y"}}

VALID: dict[str, dict[str, Any]] = {
    "HelmRelease": {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": FLUX_META,
        "spec": {
            "interval": "15m",
            "releaseName": "cnpg",
            "targetNamespace": "cnpg-system",
            "chart": {
                "spec": {
                    "chart": "bp-cnpg",
                    "version": "1.0.0",
                    "sourceRef": {"kind": "HelmRepository", "name": "bp-cnpg"},
                }
            },
            "install": {"disableWait": True, "remediation": {"retries": 3}},
            "dependsOn": [{"name": "bp-flux"}],
            "values": {"free": {"form": [1, "two", None]}},
        },
    },
    "HelmRepository": {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": FLUX_META,
        "spec": {"type": "oci", "interval": "1h", "url": "oci://registry.example.test/blueprints"},
    },
    "GitRepository": {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": "environment", "namespace": "flux-system"},
        "spec": {
            "interval": "1m",
            "url": "https://gitea.hfmp.example.test/acme/shop.git",
            "ref": {"branch": "develop"},
        },
    },
    "Kustomization": {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "applications", "namespace": "flux-system"},
        "spec": {
            "interval": "10m",
            "prune": True,
            "path": "./",
            "sourceRef": {"kind": "GitRepository", "name": "environment"},
            "postBuild": {"substitute": {"SOVEREIGN_FQDN": "t01.example.test"}},
        },
    },
    "OCIRepository": {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "OCIRepository",
        "metadata": FLUX_META,
        "spec": {
            "interval": "5m",
            "url": "oci://registry.example.test/acme/shop",
            "ref": {"tag": "1.0.0"},
        },
    },
    "ConfigMap": {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "shop-values", "namespace": "shop"},
        "data": {"values.yaml": "replicas: 2\n"},
    },
    "Namespace": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop", "labels": {"app.kubernetes.io/managed-by": "blueprintc"}},
    },
    "Organization": {
        "apiVersion": "catalyst.openova.io/v1alpha1",
        "kind": "Organization",
        "metadata": {"name": "acme", "labels": {"openova.io/sovereign": "omantel"}},
        "spec": {
            "displayName": "Acme Corp",
            "poolDomain": "acme.omani.works",
            "regions": ["hz-fsn", "oci-dxb"],
            "environments": ["prod", "stg", "dev"],
        },
    },
    "Environment": {
        "apiVersion": "catalyst.openova.io/v1alpha1",
        "kind": "Environment",
        "metadata": {"name": "acme-prod"},
        "spec": {
            "organization": "acme",
            "envType": "prod",
            "branch": "main",
            "vclusters": ["hz-fsn-rtz-prod-acme", "oci-dxb-rtz-prod-acme"],
            "policyRef": {"name": "acme-prod-policy"},
        },
    },
    "EnvironmentPolicy": {
        "apiVersion": "catalyst.openova.io/v1alpha1",
        "kind": "EnvironmentPolicy",
        "metadata": {"name": "acme-prod-policy"},
        "spec": {
            "environment": "acme-prod",
            "requiredApprovers": 2,
            "soakDuration": "24h",
            "minREScore": 80,
            "changeWindows": [
                {
                    "days": ["Mon", "Tue", "Wed"],
                    "start": "09:00",
                    "end": "17:30",
                    "timezone": "Asia/Muscat",
                }
            ],
            "promotesFrom": "stg",
        },
    },
}


def valid(kind: str) -> dict[str, Any]:
    """A fresh deep copy of the minimal valid object of ``kind``."""
    return copy.deepcopy(VALID[kind])
