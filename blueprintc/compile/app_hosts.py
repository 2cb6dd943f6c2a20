"""Hosts an Organization's Applications route that someone else claims.

An ingress controller (or Gateway) given two releases that route one host sends
its traffic to one of them: the other is down, and which one wins can change at the
next sync. Two cases are decidable from one Organization's plan, so they hold for a
compile planned in workers, in shards or incrementally alike:

- BPP014: a host under another Organization's domain. Tenant hosts are
  `<app>.<org>.<pool-tld>` (CANON.md §3) and slugs are unique in a Sovereign, so
  the label in front of a pool domain names the Organization the host belongs to.
- BPP033: two Applications of the Organization routing one host (one Application
  routing its host in each of its Environments and regions is that Application's).

Hosts are read from the shared render of each Application (`RenderFacts.hosts`) and
confirmed with the Application rendered as Flux installs it (`app_ownership`), so a
host made from `.Release.Name` is told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blueprintc.compile.app_ownership import release_facts
from blueprintc.compile.apps import AppPlan
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputs import Inputs
from blueprintc.compile.render_check import RenderCache
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.mapping import scalars
from blueprintc.yamldoc import json_path

# The values layers of the Blueprint's own files (`apps._layers`): a host they set is
# the Blueprint's default, not the Application's claim.
_BLUEPRINT = ("chart defaults", "configSchema defaults", "size overlay")
_PARAMETER = re.compile(r"(\$\{[^}]*\})")


@dataclass
class _Claim:
    """One Application's claim on one host, over its Environments."""

    plan: AppPlan  # its first Environment's plan
    environments: list[str] = field(default_factory=list)


def app_hosts(
    inputs: Inputs, pool: str, planned: list[AppPlan], cache: RenderCache
) -> list[Diagnostic]:
    """BPP014 for each host an Application routes under another Organization's domain,
    and BPP033 for each Application routing a host an earlier Application (in plan
    order) of the Organization routes: at the later Application's value, naming the
    first claimant."""
    sovereign = inputs.sovereign
    assert sovereign is not None
    if not planned:
        return []
    slug = planned[0].org.slug
    domains = tuple(dict.fromkeys(d.lower() for d in (*sovereign.tenant_pool, pool) if d))
    claims: dict[str, dict[str, _Claim]] = {}  # host -> Application -> claim, in order
    for plan in planned:
        facts = release_facts(inputs, plan, cache, installed=False)
        for written in facts.hosts if facts is not None else ():
            host = _resolved(written, slug, pool)
            claim = claims.setdefault(host, {}).setdefault(plan.app.name, _Claim(plan))
            claim.environments.append(plan.env.env_type)
    found = []
    installed: dict[int, tuple[str, ...]] = {}
    for host, by_app in claims.items():
        owner = _domain_owner(host, domains)
        foreign = owner is not None and owner[0] != slug
        if not foreign and len(by_app) < 2:
            continue
        confirmed = [
            c for c in by_app.values() if host in _installed(inputs, c, cache, pool, installed)
        ]
        if foreign and owner is not None:
            found += [_foreign(claim, host, *owner, pool) for claim in confirmed]
        elif len(confirmed) > 1:
            found += [_twice(claim, host, confirmed[0]) for claim in confirmed[1:]]
    return found


def _installed(
    inputs: Inputs,
    claim: _Claim,
    cache: RenderCache,
    pool: str,
    memo: dict[int, tuple[str, ...]],
) -> tuple[str, ...]:
    """The hosts the claim's Application routes as Flux installs it."""
    if id(claim.plan) not in memo:
        facts = release_facts(inputs, claim.plan, cache, installed=True)
        hosts = facts.hosts if facts is not None else ()
        memo[id(claim.plan)] = tuple(_resolved(h, claim.plan.org.slug, pool) for h in hosts)
    return memo[id(claim.plan)]


def _resolved(host: str, slug: str, pool: str) -> str:
    """The host as the Organization's vclusters see it: its Organization parameters
    substituted (`www.${ORG_SLUG}.${POOL_DOMAIN}`), the rest lowercased, as DNS
    compares names; other parameters (`${SOVEREIGN_FQDN}`) kept as written."""
    known = {"ORG_SLUG": slug, "POOL_DOMAIN": pool}
    out = []
    for part in _PARAMETER.split(host):
        name = part[2:-1] if part.startswith("${") else None
        if name is None:
            out.append(part.lower())
        else:
            out.append(known[name].lower() if name in known else part)
    return "".join(out)


def _domain_owner(host: str, domains: tuple[str, ...]) -> tuple[str, str] | None:
    """The Organization slug a host under a pool domain belongs to, with that domain:
    the label in front of the pool domain (`docs.globex.omani.rest`: globex)."""
    for domain in domains:
        if host.endswith("." + domain):
            return host[: -len(domain) - 1].rpartition(".")[2], domain
    return None


def _foreign(claim: _Claim, host: str, owner: str, domain: str, pool: str) -> Diagnostic:
    plan = claim.plan
    slug = plan.org.slug
    if owner == "*":  # a wildcard in front of the pool domain
        whose, theirs = f"every Organization's domain under {domain}", "their Organizations'"
    else:
        whose, theirs = f"{owner}.{domain}, Organization {owner}'s domain", f"{owner}'s"
    below = host[: -len(domain) - 1].rpartition(".")[0]
    own = f"{slug}.{pool}"
    example = f", such as {below}.{own}" if below else ""
    return report(
        "BPP014",
        f"Application {plan.app.name} of {slug} ({', '.join(claim.environments)}) routes "
        f"{host}, under {whose}: its hosts are {theirs} to route, and an ingress "
        "controller given two releases for one host sends its traffic to one of them",
        _where(claim, host),
        f"route a host under {slug}'s own domain {own}{example}",
    )


def _twice(claim: _Claim, host: str, first: _Claim) -> Diagnostic:
    later, earlier = claim.plan.app.name, first.plan.app.name
    return report(
        "BPP033",
        f"Application {later} ({', '.join(claim.environments)}) routes {host}, which "
        f"Application {earlier} ({', '.join(first.environments)}) routes too: the ingress "
        "controller sends the host's traffic to one of them, and the other is unreachable",
        _where(claim, host),
        f"give {later} a host of its own in its `config:` (or {earlier}), or let one "
        "Application serve both",
    )


def _where(claim: _Claim, host: str) -> Location:
    """The Application's value that writes the host (all of it, or the labels in front
    of its domain), else the Application itself."""
    plan = claim.plan
    fallback = at(plan.org.doc, plan.app.path)
    if plan.values is None:
        return fallback
    best: tuple[int, Location] | None = None
    for path, value in scalars(plan.values.value):
        if not isinstance(value, str) or not _writes(host, value.strip().lower()):
            continue
        origin = next((o for o in plan.values.explain(path) if o.line is not None), None)
        if origin is None or origin.line is None or origin.layer.startswith(_BLUEPRINT):
            continue
        if best is None or len(value) > best[0]:
            best = (
                len(value),
                Location(origin.source, origin.line, origin.column or 1, json_path(path)),
            )
    return best[1] if best is not None else fallback


def _writes(host: str, text: str) -> bool:
    """Whether `text` is the host or its first labels (`www` of `www.acme.omani.homes`)."""
    return bool(text) and (host == text or host.startswith(text + "."))
