"""The catalog mirrors: upstream Blueprint repositories the Sovereign names
(``spec.git.mirrors``) kept as pull mirrors in its Gitea (``POST /repos/migrate`` with
``mirror: true`` and the interval), idempotently: a mirror that exists is left to
Gitea's own schedule (no API write), a repository of that name that is not a mirror
is refused and named, never replaced. Upstreams are cloned by Gitea without
credentials (a public catalog); a private upstream is not supported yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprintc.deliver.provision import Provisioner, api_failure
from blueprintc.gitea import GiteaError
from blueprintc.model.sovereign import Mirror


@dataclass(frozen=True)
class MirrorResult:
    repo: str
    url: str
    status: str  # "mirrored" | "unchanged" | "failed"
    detail: str = ""


def ensure_mirrors(provisioner: Provisioner, mirrors: tuple[Mirror, ...]) -> list[MirrorResult]:
    return [_ensure(provisioner, mirror) for mirror in mirrors]


def _ensure(provisioner: Provisioner, mirror: Mirror) -> MirrorResult:
    owner, name = mirror.repo.split("/", 1)
    api = provisioner.api
    try:
        existing = api.repo(owner, name)
        if existing is not None:
            if existing.get("mirror"):
                return MirrorResult(mirror.repo, mirror.url, "unchanged")
            return MirrorResult(
                mirror.repo,
                mirror.url,
                "failed",
                f"{mirror.repo} exists in Gitea and is not a mirror of {mirror.url}: "
                "nothing was replaced; rename or remove it, or name another repo in "
                "spec.git.mirrors, then deliver again",
            )
        provisioner.ensure_org(owner)
        api.migrate(
            {
                "clone_addr": mirror.url,
                "repo_owner": owner,
                "repo_name": name,
                "mirror": True,
                "mirror_interval": mirror.interval,
                "private": False,
                "service": "git",
                "description": f"mirror of {mirror.url}, kept by blueprintc",
            }
        )
    except GiteaError as exc:
        return MirrorResult(mirror.repo, mirror.url, "failed", api_failure(exc, mirror.repo))
    return MirrorResult(mirror.repo, mirror.url, "mirrored")
