"""The Gitea webhooks that let Flux reconcile a delivered commit in seconds.

Compile emits per vcluster a Receiver (``flux-system/receiver.yaml``) over its
Application GitRepositories, annotated with the URL Gitea reaches that vcluster's
notification-controller at. The path Flux serves a Receiver on is
``/hook/`` + hex(sha256(token + name + namespace)) (notification-controller,
``Receiver.GetWebhookPath``), so the webhook URL follows from the annotation, the
Receiver's name and namespace and the token (``$BLUEPRINTC_WEBHOOK_TOKEN``, the value
of the Secret the Receiver names). One webhook per repository and vcluster, limited
to the branch that vcluster follows, signed with the token (Gitea's
``X-Hub-Signature-256``, which Flux's github receiver checks). A webhook is matched
by its URL: one that exists is left as it is (no API write).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any

import yaml

from blueprintc.compile.flux import WEBHOOK_URL_ANNOTATION as URL_ANNOTATION
from blueprintc.deliver.errors import DeliverError

TOKEN_ENV = "BLUEPRINTC_WEBHOOK_TOKEN"
_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Hook:
    url: str
    branch: str


def webhook_path(token: str, name: str, namespace: str) -> str:
    return "/hook/" + hashlib.sha256((token + name + namespace).encode()).hexdigest()


def planned_hooks(files: dict[str, bytes], token: str) -> dict[str, list[Hook]]:
    """``<org>/<app>`` -> its webhooks, from the compiled Receivers (empty when compile
    emitted none); Receivers without a ``token`` (see `webhook_token`) are an error."""
    receivers = [p for p in sorted(files) if _is_receiver_file(p)]
    if not receivers:
        return {}
    if not token:
        raise DeliverError(
            f"the compiled tree has Flux Receivers, so deliver registers their Gitea "
            f"webhooks: set ${TOKEN_ENV} to the token of the Secret they name"
        )
    hooks: dict[str, list[Hook]] = {}
    for path in receivers:
        flux_system = path.rsplit("/", 1)[0]
        vcluster_root = flux_system.rsplit("/", 1)[0]
        receiver = _load(files[path])
        meta = receiver.get("metadata") or {}
        base = _substitute(
            str((meta.get("annotations") or {}).get(URL_ANNOTATION, "")),
            _parameters(files.get(f"{flux_system}/parameters.yaml")),
        )
        if not base:
            continue
        url = base.rstrip("/") + webhook_path(
            token, str(meta.get("name")), str(meta.get("namespace"))
        )
        for resource in (receiver.get("spec") or {}).get("resources") or []:
            source = _git_repository(files, vcluster_root, str(resource.get("name")))
            if source is not None:
                repo, branch = source
                hooks.setdefault(repo, []).append(Hook(url, branch))
    return hooks


def hook_option(hook: Hook, token: str) -> dict[str, Any]:
    """Gitea's CreateHookOption for one webhook."""
    return {
        "type": "gitea",
        "config": {"url": hook.url, "content_type": "json", "secret": token},
        "events": ["push"],
        "branch_filter": hook.branch,
        "active": True,
    }


def webhook_token() -> str:
    """The Receivers' token, from the environment ("" when unset)."""
    return os.environ.get(TOKEN_ENV, "")


def _is_receiver_file(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 4
        and parts[0] == "vclusters"
        and parts[2:]
        == [
            "flux-system",
            "receiver.yaml",
        ]
    )


def _load(data: bytes | None) -> dict[str, Any]:
    doc = yaml.safe_load(data) if data else None
    return doc if isinstance(doc, dict) else {}


def _parameters(data: bytes | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (_load(data).get("data") or {}).items()}


def _substitute(text: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _git_repository(files: dict[str, bytes], root: str, name: str) -> tuple[str, str] | None:
    """(``<org>/<app>``, branch) of the vcluster's GitRepository ``name``."""
    data = files.get(f"{root}/applications/{name}.yaml")
    if data is None:
        return None
    for doc in yaml.safe_load_all(data):
        if isinstance(doc, dict) and doc.get("kind") == "GitRepository":
            spec = doc.get("spec") or {}
            path = str(spec.get("url", "")).removesuffix(".git").rstrip("/").split("/")
            branch = str((spec.get("ref") or {}).get("branch", ""))
            if len(path) >= 2 and branch:
                return f"{path[-2]}/{path[-1]}", branch
    return None
