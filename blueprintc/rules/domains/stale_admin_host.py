"""No `admin.<sovereign-fqdn>`: billing lives in the console's BSS menu.

CANON §3: voucher and billing operations moved into the console's BSS menu
(`console.<fqdn>/bss`); any `admin.<sovereign-fqdn>` reference is stale and
leads nowhere. The stale prefixes and their replacements are canon data
(`domains.staleHosts`).

A Sovereign FQDN is a canon `fqdnParameters` entry (`${SOVEREIGN_FQDN}`,
`{{ .Values.global.sovereignFQDN }}`), a test Sovereign (`t12.omani.works`) or
a canon `sovereignFqdns` entry.

Failing::

    billingUrl: https://admin.${SOVEREIGN_FQDN}/vouchers
    docs: see admin.t12.omani.works

Passing::

    billingUrl: https://console.${SOVEREIGN_FQDN}/bss
    adminEmail: admin@example.com
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
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
    for host in hosts(ctx):
        if host.sovereign is None or not host.prefix:
            continue
        entry = stale.get(host.prefix[0].name)
        if entry is None:
            continue
        fqdn = host.text_from(host.sovereign)
        replacement = str(entry.get("replacement", "")).replace("<fqdn>", fqdn)
        reason = entry.get("reason")
        yield Finding(
            f"'{host.text}' is a stale host" + (f": {reason}" if reason else ""),
            location(host.source, host.start),
            hint=f"link to {replacement} instead" if replacement else None,
        )


RULE = check
