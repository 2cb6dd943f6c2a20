"""Control-plane hosts use a valid location code: `{component}.{p}{r}{b}{e}.{fqdn}`.

CANON §2: control-plane DNS is `{component}.{location-code}.{sovereign-domain}`
(e.g. `gitea.hfmp.<sovereign-domain>`), where the location code is four
1-char codes: provider, region (of that provider), building block, env type.
`hfmp` is Hetzner, Falkenstein, mgt, prod. A wrong letter sends traffic to a
cluster that does not exist, or to the wrong one.

Checked: hosts under a Sovereign FQDN (a canon `fqdnParameters` entry such as
`${SOVEREIGN_FQDN}` or `{{ .Values.global.sovereignFQDN }}`, a test Sovereign
`t<NN>.omani.works`, or a canon `sovereignFqdns` entry) whose label just in
front of the FQDN is four letters and not a valid code. Organization hosts
(`console.<org>...`) are BPD007's.

Failing::

    host: gitea.hxmp.${SOVEREIGN_FQDN}     # x is not a Hetzner region
    url: https://harbor.hfmq.t38.omani.works

Passing::

    host: gitea.hfmp.${SOVEREIGN_FQDN}
    url: https://harbor.orrp.{{ .Values.global.sovereignFQDN }}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import codes
from blueprintc.rules.naming.hosts import PLAIN, hosts
from blueprintc.rules.naming.text import location


@rule(
    "BPN003",
    "location-code",
    Severity.ERROR,
    "a control-plane host uses an invalid location code",
    "a location code is {p}{r}{b}{e}: the 1-char provider, region, building-block "
    "and env-type codes",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    table = codes(ctx.canon)
    domains = ctx.canon.section("domains")
    tenant = {str(p).lower() for p in domains.get("tenantHostPrefixes", [])}
    for host in hosts(ctx):
        prefix = host.prefix
        if host.sovereign is None or len(prefix) < 2 or prefix[0].name in tenant:
            continue
        code = prefix[-1]
        if code.kind != PLAIN or len(code.text) != 4 or not code.text.isalpha():
            continue
        problem = table.location_problem(code.name)
        if problem is None:
            continue
        yield Finding(
            f"'{code.text}' in '{host.text}' is not a location code: {problem}",
            location(host.source, code.start),
            hint="a location code is the 1-char provider, region, building-block and "
            f"env-type codes, e.g. {table.location_example}",
        )


RULE = check
