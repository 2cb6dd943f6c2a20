"""Builders for the Flux and Kustomize objects blueprintc emits (current API versions).

Plain dicts in Kubernetes key order; the emitter serialises them verbatim.
"""

from __future__ import annotations

from typing import Any

SOURCE_API = "source.toolkit.fluxcd.io/v1"
HELM_API = "helm.toolkit.fluxcd.io/v2"
KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1"
KUSTOMIZATION_API = "kustomize.config.k8s.io/v1beta1"
FLUX_NAMESPACE = "flux-system"
NOTIFICATION_API = "notification.toolkit.fluxcd.io/v1"
# Where the Receiver's notification-controller is reached from Gitea (deliver reads it
# to register the webhook; Kubernetes ignores it).
WEBHOOK_URL_ANNOTATION = "openova.io/webhook-url"


def _meta(name: str, namespace: str | None, labels: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = labels
    return meta


def helm_repository(
    name: str,
    url: str,
    labels: dict[str, str],
    namespace: str = FLUX_NAMESPACE,
    secret: str | None = None,
) -> dict[str, Any]:
    """An OCI HelmRepository; with ``secret``, Flux logs in to the registry with that
    docker-registry Secret of the same namespace (the platform provisions it)."""
    spec: dict[str, Any] = {"type": "oci", "interval": "10m", "url": url}
    if secret:
        spec["secretRef"] = {"name": secret}
    return {
        "apiVersion": SOURCE_API,
        "kind": "HelmRepository",
        "metadata": _meta(name, namespace, labels),
        "spec": spec,
    }


def helm_release(
    *,
    name: str,
    namespace: str,
    release_name: str,
    target_namespace: str,
    chart: str,
    version: str,
    repository: str,
    repository_namespace: str,
    labels: dict[str, str],
    values: dict[str, Any],
    depends_on: list[dict[str, str]],
    verify_secret: str | None = None,
    interval: str = "30m",
    timeout: str | None = None,
    install: dict[str, Any] | None = None,
    upgrade: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A HelmRelease; by default event-driven (an Application's): no install wait,
    bounded remediation retries. ``install`` and ``upgrade`` replace those defaults
    (an empty ``upgrade`` is left out: Flux's defaults). With ``verify_secret``, Flux
    pulls the chart only when its cosign signature verifies against a public key
    (``*.pub``) in that Secret of the HelmRepository's namespace."""
    if install is None:
        install = {"createNamespace": True, "disableWait": True, "remediation": {"retries": 3}}
    if upgrade is None:
        upgrade = {"disableWait": True, "remediation": {"retries": 3}}
    spec: dict[str, Any] = {"interval": interval}
    if timeout:
        spec["timeout"] = timeout
    spec |= {
        "releaseName": release_name,
        "targetNamespace": target_namespace,
        "chart": {
            "spec": {
                "chart": chart,
                "version": version,
                "sourceRef": {
                    "kind": "HelmRepository",
                    "name": repository,
                    "namespace": repository_namespace,
                },
                **(
                    {"verify": {"provider": "cosign", "secretRef": {"name": verify_secret}}}
                    if verify_secret
                    else {}
                ),
            }
        },
        "install": install,
    }
    if upgrade:
        spec["upgrade"] = upgrade
    if depends_on:
        spec["dependsOn"] = depends_on
    if values:
        spec["values"] = values
    return {
        "apiVersion": HELM_API,
        "kind": "HelmRelease",
        "metadata": _meta(name, namespace, labels),
        "spec": spec,
    }


def git_repository(
    name: str,
    url: str,
    branch: str,
    labels: dict[str, str],
    namespace: str = FLUX_NAMESPACE,
    verify_secret: str | None = None,
) -> dict[str, Any]:
    """A GitRepository; with ``verify_secret``, Flux accepts a tip only when its
    OpenPGP signature verifies against the keys in that Secret (``*.asc`` entries)."""
    spec: dict[str, Any] = {"interval": "1m", "url": url, "ref": {"branch": branch}}
    if verify_secret:
        spec["verify"] = {"mode": "HEAD", "secretRef": {"name": verify_secret}}
    return {
        "apiVersion": SOURCE_API,
        "kind": "GitRepository",
        "metadata": _meta(name, namespace, labels),
        "spec": spec,
    }


def receiver(
    name: str,
    namespace: str,
    secret: str,
    repositories: list[str],
    labels: dict[str, str],
    url: str,
) -> dict[str, Any]:
    """A Receiver that reconciles the GitRepositories on a Gitea push webhook.

    Type ``github``: Flux has no ``gitea`` type (fluxcd/notification-controller#230),
    and Gitea's webhook sender (services/webhook/deliver.go, ``addDefaultHeaders``)
    also sends GitHub's headers, ``X-GitHub-Event`` and ``X-Hub-Signature-256``
    (``sha256=`` and the HMAC-SHA256 of the body under the hook's secret), which is
    what Flux's github receiver checks with the token of ``secret``; ``generic``
    would take unsigned requests."""
    meta = _meta(name, namespace, labels)
    meta["annotations"] = {WEBHOOK_URL_ANNOTATION: url}
    return {
        "apiVersion": NOTIFICATION_API,
        "kind": "Receiver",
        "metadata": meta,
        "spec": {
            "type": "github",
            "events": ["push"],
            "secretRef": {"name": secret},
            "resources": [
                {"apiVersion": SOURCE_API, "kind": "GitRepository", "name": repository}
                for repository in repositories
            ],
        },
    }


def public_key_secret(
    name: str,
    namespace: str,
    armored_keys: tuple[str, ...],
    labels: dict[str, str],
    entry: str = "signing-key-{n}.asc",
) -> dict[str, Any]:
    """The Secret a Flux ``verify`` reads: one entry per public key (public material,
    so it is written as it is into Git). Flux reads a GitRepository's OpenPGP keys
    from ``*.asc`` entries and a chart's cosign keys from ``*.pub`` entries."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _meta(name, namespace, labels),
        "type": "Opaque",
        "stringData": {
            entry.format(n=n): key.strip() + "\n" for n, key in enumerate(armored_keys, start=1)
        },
    }


def flux_kustomization(
    *,
    name: str,
    path: str,
    source: str,
    labels: dict[str, str],
    substitute_from: str | None = None,
    depends_on: list[str] | None = None,
    target_namespace: str | None = None,
    namespace: str = FLUX_NAMESPACE,
    interval: str = "10m",
    wait: bool = False,
    timeout: str | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "interval": interval,
        "path": path,
        "prune": True,
        "sourceRef": {"kind": "GitRepository", "name": source},
    }
    if wait:
        spec["wait"] = True
    if timeout:
        spec["timeout"] = timeout
    if target_namespace:
        spec["targetNamespace"] = target_namespace
    if depends_on:
        spec["dependsOn"] = [{"name": d} for d in depends_on]
    if substitute_from:
        spec["postBuild"] = {"substituteFrom": [{"kind": "ConfigMap", "name": substitute_from}]}
    return {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "metadata": _meta(name, namespace, labels),
        "spec": spec,
    }


def kustomization(
    resources: list[str], patches: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A `kustomization.yaml` (kustomize's own config, not a Flux object)."""
    doc: dict[str, Any] = {
        "apiVersion": KUSTOMIZATION_API,
        "kind": "Kustomization",
        "resources": resources,
    }
    if patches:
        doc["patches"] = patches
    return doc


def namespace(
    name: str, labels: dict[str, str], annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    meta = _meta(name, None, labels)
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def config_map(
    name: str, namespace: str, data: dict[str, str], labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta(name, namespace, labels),
        "data": dict(sorted(data.items())),
    }
