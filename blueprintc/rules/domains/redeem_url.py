"""Voucher redeem links end in `/redeem/?code=`, byte for byte.

CANON §3: the voucher redeem link is
`https://marketplace.<sovereign-fqdn>/redeem/?code=<CODE>`. The slash before
`?` is mandatory and stable: links already printed on vouchers and sent in
mail use it, and `/redeem?code=` is a different path to the marketplace.
Host prefix and path are canon data (`domains.redeemHostPrefix`,
`domains.redeemPath`).

Checked: every `marketplace.<host>` (including printf formats such as
`marketplace.%s`) directly followed by the redeem path without its slash.

Failing::

    redeemUrl: https://marketplace.${SOVEREIGN_FQDN}/redeem?code={{ .code }}

Passing::

    redeemUrl: https://marketplace.${SOVEREIGN_FQDN}/redeem/?code={{ .code }}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.hosts import hosts
from blueprintc.rules.naming.text import location


@rule(
    "BPD004",
    "redeem-url",
    Severity.ERROR,
    "a voucher redeem URL lacks the slash before '?' (/redeem?code=)",
    "write /redeem/?code= byte for byte",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    domains = ctx.canon.section("domains")
    prefix = str(domains.get("redeemHostPrefix", "")).lower()
    path = str(domains.get("redeemPath", ""))
    if not prefix or not path.endswith("/"):
        return
    wrong = path.rstrip("/") + "?"
    for host in hosts(ctx):
        if host.labels[0].name != prefix or not host.source.text.startswith(wrong, host.end):
            continue
        yield Finding(
            f"voucher redeem link '{host.text}{wrong}' lacks the slash before '?'",
            location(host.source, host.end),
            hint=f"write '{host.text}{path}?' (the slash before '?' is mandatory)",
        )


RULE = check
