"""The workload the API-server check tests build: an apps/v1 Deployment (or another
kind) whose pod runs one container, `web`."""

from __future__ import annotations

from typing import Any

LABELS = {"app.kubernetes.io/name": "web"}


def workload(
    container: dict[str, Any] | None = None,
    kind: str = "Deployment",
    api_version: str = "apps/v1",
    **pod: Any,
) -> dict[str, Any]:
    """A `kind` named web with `container`'s fields on its container and `pod`'s on its
    pod spec (a StatefulSet with the serviceName it needs)."""
    spec = {"containers": [{"name": "web", "image": "r/web:1.2.3", **(container or {})}]}
    template = {"metadata": {"labels": LABELS}, "spec": {**spec, **pod}}
    body: dict[str, Any] = {"selector": {"matchLabels": LABELS}, "template": template}
    if kind == "StatefulSet":
        body["serviceName"] = "web"
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "web"}, "spec": body}
