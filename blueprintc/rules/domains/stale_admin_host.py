"""No `admin.<domain>`: billing lives in the console's BSS menu.

CANON §3: voucher and billing operations moved into the console's BSS menu
(`console.<fqdn>/bss`); any `admin.` host is stale and leads nowhere, whatever
the domain after it: a parameter (`${SOVEREIGN_FQDN}`,
`{{ .Values.global.sovereignFQDN }}`), a test Sovereign (`t12.omani.works`) or
any literal domain (`admin.acme-cloud.com`). Under a forbidden domain
(`admin.openova.io`) the hint links to the console of the Sovereign FQDN parameter,
not to one BPD001 would refuse. The stale prefixes and their
replacements are canon data (`domains.staleHosts`). Names that never leave
the cluster (canon `clusterInternalSuffixes`: `admin.monitoring.svc`) and API
names are not hosts of a Sovereign.

Failing::

    billingUrl: https://admin.${SOVEREIGN_FQDN}/vouchers
    docs: see admin.t12.omani.works

Passing::

    billingUrl: https://console.${SOVEREIGN_FQDN}/bss
    adminEmail: admin@example.com
    service: admin.monitoring.svc.cluster.local
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.domains.forbidden_domain import forbidden_domains, fqdn_parameter
from blueprintc.rules.naming.hosts import hosts
from blueprintc.rules.naming.text import location


@rule(
    "BPD003",
    "stale-admin-host",
    Severity.ERROR,
    "a stale admin.<sovereign-fqdn> host is referenced",
    "link to the console's BSS menu, console.<fqdn>/bss",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    stale = {
        str(entry["prefix"]).lower(): entry
        for entry in ctx.canon.section("domains").get("staleHosts", [])
        if isinstance(entry, dict) and entry.get("prefix")
    }
    internal = [str(s) for s in ctx.canon.section("domains").get("clusterInternalSuffixes", [])]
    forbidden = [domain for domain, _ in forbidden_domains(ctx.canon)]
    parameter = fqdn_parameter(ctx.canon)
    for host in hosts(ctx):
        if (len(host.labels) < 3 and host.sovereign is None) or (host.api_name and not host.url):
            continue  # `admin.io` is a domain of its own; `x.io/name` a qualified name
        entry = stale.get(host.labels[0].name)
        if entry is None or any(host.ends_with(suffix) is not None for suffix in internal):
            continue
        fqdn = host.text_from(host.sovereign if host.sovereign else 1)
        if any(host.ends_with(domain) is not None for domain in forbidden):
            fqdn = parameter  # the console of a forbidden domain is no fix
        replacement = str(entry.get("replacement", "")).replace("<fqdn>", fqdn)
        reason = entry.get("reason")
        yield Finding(
            f"'{host.text}' is a stale host" + (f": {reason}" if reason else ""),
            location(host.source, host.start),
            hint=f"link to {replacement} instead" if replacement else None,
        )


RULE = check
