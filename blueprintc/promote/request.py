"""What `blueprintc promote ORG/APP --to ENV` asks for, checked against the workspace.

One clear error (PromoteError, exit 2) per bad request, before anything is written:
an unknown Organization, Application or Environment, an Environment that takes
changes directly, a source against the policy's direction, a workspace without a
lock. The entry a promotion writes is what the source Environment runs: the spec
for the first Environment (dev), else the source's own lock entry. A rollback's is
the entry the Environment ran before the current one, never one a rollback left
(rollback.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from blueprintc.blueprint_names import lookup
from blueprintc.compile.catalyst_config import promotion_source
from blueprintc.model.organization import Application, Environment, Organization
from blueprintc.promote.lock import Key, LockEntry

if TYPE_CHECKING:
    from blueprintc.compile.inputs import Inputs


class PromoteError(Exception):
    """A promotion that cannot be made as asked (the message says why and what to do)."""


@dataclass(frozen=True)
class Request:
    org: Organization
    app: Application
    env: Environment
    source: Environment

    @property
    def key(self) -> Key:
        return (self.org.slug, self.app.name, self.env.env_type)

    @property
    def name(self) -> str:
        return f"{self.org.slug}/{self.app.name}"


def resolve(inputs: Inputs, target: str, to: str, source: str | None = None) -> Request:
    """The promotion of `target` (ORG/APP) into env type `to`, from `source` (default
    and only allowed value: the policy's promotesFrom)."""
    org, app = application(inputs, target)
    env = _environment(org, to)
    upstream = promotion_source(org, env)
    if upstream is None:
        raise PromoteError(
            f"{org.slug}'s {env.env_type} takes changes directly (nothing promotes into "
            "it): compile and deliver bring them"
        )
    if source is not None and source != upstream:
        raise PromoteError(
            f"{org.slug}'s {env.env_type} takes promotions from {upstream} only (its "
            f"EnvironmentPolicy's promotesFrom), not from {source}"
        )
    return Request(org, app, env, _environment(org, upstream))


def application(inputs: Inputs, target: str) -> tuple[Organization, Application]:
    """The Organization and Application `target` (ORG/APP) names in the workspace."""
    org_slug, sep, app_name = target.partition("/")
    if not sep or not org_slug or not app_name:
        raise PromoteError(f"{target!r}: name the Application as ORG/APP (e.g. acme/shop)")
    org = next((o for o in inputs.organizations if o.slug == org_slug), None)
    if org is None:
        known = ", ".join(sorted(o.slug for o in inputs.organizations)) or "none"
        raise PromoteError(f"no Organization {org_slug!r} in the workspace (it has: {known})")
    app = next((a for a in org.applications if a.name == app_name), None)
    if app is None:
        known = ", ".join(sorted(a.name for a in org.applications)) or "none"
        raise PromoteError(f"{org_slug} has no Application {app_name!r} (it has: {known})")
    return org, app


def _environment(org: Organization, env_type: str) -> Environment:
    env = next((e for e in org.environments if e.env_type == env_type), None)
    if env is None:
        known = ", ".join(e.env_type for e in org.environments) or "none"
        raise PromoteError(f"{org.slug} has no Environment {env_type!r} (it has: {known})")
    return env


def promoted_entry(inputs: Inputs, request: Request) -> LockEntry:
    """What the source Environment runs, as the target's new lock entry."""
    lock = inputs.lock
    assert lock is not None
    upstream = lock.entries.get((request.org.slug, request.app.name, request.source.env_type))
    if upstream is not None:
        return LockEntry(
            upstream.blueprint,
            upstream.version,
            upstream.digest,
            request.source.env_type,
            dict(upstream.config),
        )
    if promotion_source(request.org, request.source) is not None:
        raise PromoteError(
            f"{request.name} {request.source.env_type} has no blueprintc.lock entry to "
            "promote: run `blueprintc lock` first"
        )
    catalog = lookup(inputs.catalog, request.app.blueprint)
    if catalog is None:
        raise PromoteError(
            f"{request.name}'s Blueprint {request.app.blueprint} is not in the catalog: "
            "`blueprintc compile` says why"
        )
    return LockEntry(
        catalog.name,
        catalog.version,
        f"sha256:{catalog.identity}",
        request.source.env_type,
        dict(request.app.config),
    )


def waiting(inputs: Inputs, to: str | None = None) -> list[tuple[Request, LockEntry]]:
    """Every promotion waiting (into env type `to`, else into every gated Environment),
    each entry taken from the lock as it is now: promoting staging and production in
    one run moves production to what staging ran before, never past a gate."""
    if to is not None:
        _check_gated(inputs, to)
    found = []
    for org in sorted(inputs.organizations, key=lambda o: o.slug):
        for app in org.applications:
            for env in org.environments:
                if to is not None and env.env_type != to:
                    continue
                upstream = promotion_source(org, env)
                if upstream is None:
                    continue
                request = Request(org, app, env, _environment(org, upstream))
                try:
                    entry = promoted_entry(inputs, request)
                except PromoteError:
                    continue  # its source has no entry: `blueprintc lock` first
                assert inputs.lock is not None
                if inputs.lock.entries.get(request.key) != entry:
                    found.append((request, entry))
    return found


def _check_gated(inputs: Inputs, to: str) -> None:
    """`--all --to ENV` names an env type some Organization promotes into: a typo, or
    an Environment that takes changes directly, is refused as for one promotion."""
    having = [o for o in sorted(inputs.organizations, key=lambda o: o.slug) if _has(o, to)]
    if not having:
        types = [e.env_type for o in inputs.organizations for e in o.environments]
        known = ", ".join(dict.fromkeys(types)) or "none"
        raise PromoteError(f"no Organization has an Environment {to!r} (they have: {known})")
    if all(promotion_source(o, _environment(o, to)) is None for o in having):
        orgs = ", ".join(o.slug for o in having)
        raise PromoteError(
            f"{to} takes changes directly in every Organization that has it ({orgs}; nothing "
            "promotes into it): compile and deliver bring them"
        )


def _has(org: Organization, env_type: str) -> bool:
    return any(e.env_type == env_type for e in org.environments)
