"""What a repository needs on the Sovereign's Gitea around a delivery: its organisation
and itself before the first push, its branch protections after it.

Protections come from the compiled EnvironmentPolicy resources
(``system/catalyst-config/``): a branch is protected when its Environment's policy
gates promotions into it (``promotesFrom`` set or ``requiredApprovers`` above 0), with
``requiredApprovers`` approvals, no direct pushes at all (the delivery identity's
first push happens before the protection exists), rejected reviews blocking and stale
approvals dismissed. They are made idempotently: a gated branch that exists on the
server without a protection (a first run cut short between push and protect) gets
one on the next run; an existing protection is never changed. ``system/fleet`` is the
platform's own repository and is not protected here.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Any

import yaml

from blueprintc.compile.catalyst_config import ROOT
from blueprintc.deliver.webhooks import Hook, hook_option
from blueprintc.gitea import Gitea, GiteaError

CONFIG_ROOT = ROOT + "/"


@dataclass(frozen=True)
class Gate:
    """A protected branch of an Organization's repositories."""

    branch: str
    approvals: int


def gated_branches(files: dict[str, bytes]) -> dict[str, dict[str, Gate]]:
    """Organization -> branch -> its gate, from the compiled Environments and policies."""
    environments: list[dict[str, Any]] = []
    policies: dict[str, dict[str, Any]] = {}
    for path, data in files.items():
        if not path.startswith(CONFIG_ROOT) or not path.endswith(".yaml"):
            continue
        doc = yaml.safe_load(data)
        if not isinstance(doc, dict):
            continue
        spec = doc.get("spec") or {}
        if doc.get("kind") == "Environment":
            environments.append(spec)
        elif doc.get("kind") == "EnvironmentPolicy":
            policies[str((doc.get("metadata") or {}).get("name"))] = spec
    gates: dict[str, dict[str, Gate]] = {}
    for env in environments:
        policy = policies.get(str((env.get("policyRef") or {}).get("name")), {})
        approvals = int(policy.get("requiredApprovers") or 0)
        if policy.get("promotesFrom") or approvals > 0:
            branch = str(env.get("branch"))
            gates.setdefault(str(env.get("organization")), {})[branch] = Gate(branch, approvals)
    return gates


def protection_option(gate: Gate) -> dict[str, Any]:
    """Gitea's CreateBranchProtectionOption for a gate."""
    return {
        "rule_name": gate.branch,
        "enable_push": False,
        "required_approvals": gate.approvals,
        "block_on_rejected_reviews": True,
        "dismiss_stale_approvals": True,
    }


@dataclass
class Provisioner:
    """Organisations and repositories made once per run, shared by the push threads."""

    api: Gitea
    gates: dict[str, dict[str, Gate]]
    hooks: dict[str, list[Hook]] = field(default_factory=dict)
    token: str = ""
    created: list[str] = field(default_factory=list)
    _orgs: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure_repo(self, name: str) -> None:
        """The repository ``<org>/<app>`` exists (made, with its organisation, when not)."""
        owner, repo = name.split("/", 1)
        if self.api.repo(owner, repo) is not None:
            return
        self.ensure_org(owner)
        self.api.create_org_repo(owner, repo, "main", f"{name}, compiled by blueprintc")
        with self._lock:
            self.created.append(name)

    def ensure_org(self, owner: str) -> None:
        """The organisation exists (made when not); asked once per run."""
        with self._lock:  # two threads must not both create one organisation
            if owner not in self._orgs:
                if self.api.org(owner) is None:
                    self.api.create_org(owner)
                self._orgs.add(owner)

    def protected(self, name: str) -> list[str]:
        """The branch protection rule names (branch names or globs) of the repository."""
        owner, repo = name.split("/", 1)
        return [
            str(p.get("rule_name") or p.get("branch_name"))
            for p in self.api.branch_protections(owner, repo)
        ]

    def protect(self, name: str, branches: set[str], rules: list[str]) -> list[str]:
        """Protect the gated ones of ``branches`` (on the server now) that no rule covers;
        the branches protected."""
        owner, repo = name.split("/", 1)
        done = []
        for branch, gate in sorted(self.gates.get(owner, {}).items()):
            if branch in branches and not is_protected(branch, rules):
                self.api.protect_branch(owner, repo, protection_option(gate))
                done.append(branch)
        return done

    def register_hooks(self, name: str) -> int:
        """The repository's webhooks that Gitea does not hold yet, registered; how many."""
        wanted = self.hooks.get(name, [])
        if not wanted:
            return 0
        owner, repo = name.split("/", 1)
        held = {str((h.get("config") or {}).get("url")) for h in self.api.hooks(owner, repo)}
        missing = [hook for hook in wanted if hook.url not in held]
        for hook in missing:
            self.api.create_hook(owner, repo, hook_option(hook, self.token))
        return len(missing)


def is_protected(branch: str, rules: list[str]) -> bool:
    """Gitea matches a rule name as a glob against the branch name."""
    return any(fnmatch.fnmatchcase(branch, rule) for rule in rules)


def api_failure(exc: GiteaError, name: str) -> str:
    """One line for a refused or failed API call on repository ``name``."""
    if exc.status == 0:
        return f"{exc.message}; deliver again"
    if exc.status in (401, 403):
        return (
            f"Gitea refused {exc.operation} for {name} ({exc.message}): the delivery "
            "identity needs rights to create organisations and repositories and to "
            "administer them"
        )
    return f"Gitea answered {exc.operation} for {name} with {exc.message}; deliver again"
