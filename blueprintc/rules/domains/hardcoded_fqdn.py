"""Manifests take the Sovereign FQDN as a parameter, never as a literal.

CANON §3: the operator FQDN is never hard-coded. A Blueprint is installed on
many Sovereigns; a literal `t38.omani.works` in a chart or manifest sends
every other Sovereign's traffic, certificates and links to that one. Where
the FQDN belongs, use the parameter (`${SOVEREIGN_FQDN}`, substituted by Flux
`postBuild`) or a values key (`global.sovereignFQDN`).

Literal Sovereign FQDNs are test Sovereigns (`t<NN>.omani.works`,
`t<NN>.omantel.biz`: canon `testSovereignDomains`) and the canon
`sovereignFqdns`. Only chart, overlay and manifest files are checked, not
blueprint.yaml or Markdown: documentation may name a test Sovereign. YAML
comments are skipped too.

Failing (chart/values.yaml)::

    global:
      sovereignFQDN: t38.omani.works
    ingress:
      host: gitea.hfmp.t38.omani.works

Passing::

    global:
      sovereignFQDN: ${SOVEREIGN_FQDN}
    # e.g. gitea.hfmp.t38.omani.works on the test Sovereign
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.hosts import hosts
from blueprintc.rules.naming.text import in_comment, is_doc, location


@rule(
    "BPD005",
    "hardcoded-sovereign-fqdn",
    Severity.ERROR,
    "a literal Sovereign FQDN appears in a chart or manifest",
    "use the ${SOVEREIGN_FQDN} parameter or a values key such as global.sovereignFQDN",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    params = ctx.canon.section("domains").get("fqdnParameters", [])
    parameter = params[0] if params else "the Sovereign FQDN parameter"
    for host in hosts(ctx):
        source = host.source
        if not host.literal_sovereign or host.sovereign is None:
            continue
        if is_doc(source) or source.rel == ctx.blueprint.rel:
            continue
        start = host.labels[host.sovereign].start
        if in_comment(source.text, start):
            continue
        yield Finding(
            f"hard-coded Sovereign FQDN '{host.text_from(host.sovereign)}'",
            location(source, start),
            hint=f"use {parameter} (or a values key such as global.sovereignFQDN)",
        )


RULE = check
