"""Manifests take the Sovereign FQDN as a parameter, never as a literal.

CANON §3: the operator FQDN is never hard-coded. A Blueprint is installed on
many Sovereigns; a literal `t38.omani.works` in a chart or manifest sends
every other Sovereign's traffic, certificates and links to that one. Where
the FQDN belongs, use the parameter (`${SOVEREIGN_FQDN}`, substituted by Flux
`postBuild`) or a values key (`global.sovereignFQDN`).

Literal Sovereign FQDNs are test Sovereigns (`t<NN>.omani.works`,
`t<NN>.omantel.biz`: canon `testSovereignDomains`), the canon
`sovereignFqdns`, and any literal domain after a Sovereign host prefix
(`console.acme-cloud.com`, `marketplace.acme-cloud.com`: canon
`sovereignHostPrefixes`; pool-domain Organization hosts aside). Only
chart, overlay and manifest files are checked, not blueprint.yaml or
Markdown: documentation may name a test Sovereign. Comments (YAML `#`, Helm
`{{/* */}}`) are skipped too.

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
from blueprintc.rules.domains.places import in_template_comment
from blueprintc.rules.naming.hosts import PLAIN, Host, hosts
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
    domains = ctx.canon.section("domains")
    params = domains.get("fqdnParameters", [])
    parameter = params[0] if params else "the Sovereign FQDN parameter"
    prefixes = {str(p).lower() for p in domains.get("sovereignHostPrefixes", [])}
    # Pool domains may be literal; forbidden domains are BPD001's, never reported twice.
    elsewhere = [str(d) for d in domains.get("poolDomains", [])]
    elsewhere += [str(e["domain"]) for e in domains.get("forbidden", []) if isinstance(e, dict)]
    for host in hosts(ctx):
        source = host.source
        index = _literal_fqdn(host, prefixes, elsewhere)
        if index is None:
            continue
        if is_doc(source) or source.rel == ctx.blueprint.rel:
            continue
        start = host.labels[index].start
        if in_comment(source.text, start) or in_template_comment(source.text, start):
            continue
        yield Finding(
            f"hard-coded Sovereign FQDN '{host.text_from(index)}'",
            location(source, start),
            hint=f"use {parameter} (or a values key such as global.sovereignFQDN)",
        )


def _literal_fqdn(host: Host, prefixes: set[str], elsewhere: list[str]) -> int | None:
    """Where a literal Sovereign FQDN starts in `host`, if it holds one."""
    if host.literal_sovereign and host.sovereign is not None:
        return host.sovereign
    if host.sovereign is not None or (host.api_name and not host.url):
        return None  # a parameter, or a name that is no host
    labels = host.labels
    literal = all(label.kind == PLAIN for label in labels[1:])
    if len(labels) < 3 or labels[0].name not in prefixes or not literal:
        return None
    if not labels[-1].name.isalpha() or any(host.ends_with(p) is not None for p in elsewhere):
        return None
    return 1


RULE = check
