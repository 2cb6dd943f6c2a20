"""Organization hosts live under a pool domain, not under the Sovereign FQDN.

CANON §3: an Organization's FQDNs come from the Sovereign's pool of parent
domains (`omani.homes`, `omani.rest`, `omani.trade`): the tenant console is
`console.<org>.<pool-tld>`, other apps `<app>.<org>.<pool-tld>`. Building
them under the Sovereign FQDN (`console.<org>.${SOVEREIGN_FQDN}`,
`<org>.t38.omani.works`) is pattern drift: the Sovereign's own zone and
certificates then carry every Organization.

A host under a Sovereign FQDN is drift when the label in front of the FQDN
is an Organization parameter (canon `orgParameters`, e.g. `${ORG_SLUG}`),
when it starts with a tenant prefix (`console`, canon `tenantHostPrefixes`)
followed by anything but a valid location code, or when two or more labels
precede the FQDN and the last is not four letters (control-plane hosts are
`{component}.{location-code}.{fqdn}`). Pool domains may be hard-coded.

Failing::

    host: console.{{ .Values.global.organization }}.${SOVEREIGN_FQDN}
    url: https://www.acme-corp.t38.omani.works

Passing::

    host: console.${ORG_SLUG}.${POOL_DOMAIN}
    url: https://www.acme-corp.omani.homes
    gitea: gitea.hfmp.${SOVEREIGN_FQDN}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import Codes, codes
from blueprintc.rules.naming.hosts import ORG_PARAM, PLAIN, Host
from blueprintc.rules.naming.hosts import hosts as all_hosts
from blueprintc.rules.naming.text import location


@rule(
    "BPD007",
    "tenant-url-drift",
    Severity.ERROR,
    "an Organization host is built under the Sovereign FQDN",
    "build Organization hosts as console.<org>.<pool-tld> from a pool domain",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    domains = ctx.canon.section("domains")
    tenant = {str(p).lower() for p in domains.get("tenantHostPrefixes", [])}
    pool = ", ".join(str(d) for d in domains.get("poolDomains", []))
    table = codes(ctx.canon)
    for host in all_hosts(ctx):
        if host.sovereign is None or not _drift(host, tenant, table):
            continue
        yield Finding(
            f"Organization host '{host.text}' is built under the Sovereign FQDN",
            location(host.source, host.start),
            hint="build it as console.<org>.<pool-tld> (or <app>.<org>.<pool-tld>) from the "
            f"Organization's pool domain ({pool})",
        )


def _drift(host: Host, tenant: set[str], table: Codes) -> bool:
    prefix = host.prefix
    if not prefix:
        return False
    if prefix[-1].kind == ORG_PARAM:
        return True
    if len(prefix) < 2:
        return False
    if prefix[0].name in tenant:
        return not (prefix[1].kind == PLAIN and table.is_location_code(prefix[1].name))
    last = prefix[-1]
    return last.kind == PLAIN and not (len(last.text) == 4 and last.text.isalpha())


RULE = check
