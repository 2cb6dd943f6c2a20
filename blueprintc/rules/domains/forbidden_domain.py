"""No vendor or foreign domains, and no `Nova Cloud` brand.

CANON §3: `openova.io` and every subdomain (`omantel.openova.io`),
`eventforge.io` and the brand `Nova Cloud` are forbidden in anything that
ships with a Sovereign or exercises its test path; an Organization host built
as `<org>.openova.io` is pattern drift. The lists are canon data
(`domains.forbidden`, `domains.forbiddenBrands`).

Matches are whole DNS labels, so `notopenova.io` is not a hit. Kubernetes API
groups and label or annotation keys under the vendor domain are names, not
hosts, and are allowed: recognised by their place (an `apiVersion` group, the
value of a `group`/`apiGroups` key or one ending in `groupName`
(`webhookGroupName`), an APIService name
`v1alpha1.<group>`, a CRD's `<plural>.<group>` name, a `key/name` label;
canon `apiGroupKeyPattern`, `apiServiceVersionLabel`) or listed (canon
`apiGroupDomains`); inside a URL or an e-mail address they are hosts again.

Not checked, as it never reaches a Sovereign: provenance and
documentation (Chart.yaml `maintainers[].email`, `home`, `sources`,
`description`: canon `chartProvenanceKeys`; blueprint.yaml `spec.owner`:
`blueprintProvenancePaths`), Markdown documentation, and comments (YAML `#`,
Helm `{{/* */}}`). A vendor
host or e-mail in values, templates or blueprint.yaml (`host: api.openova.io`,
`email: ops@openova.io`) is still a finding. The brand is checked everywhere.

Failing::

    url: https://console.openova.io/login
    summary: Runs on Nova Cloud.

Passing::

    apiVersion: catalyst.openova.io/v1
    labels:
      openova.io/env-type: prod
    url: https://console.${SOVEREIGN_FQDN}/login
    # maintained by platform@openova.io
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.canon import Canon
from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.domains.places import Places
from blueprintc.rules.naming.hosts import file_scans
from blueprintc.rules.naming.text import location


@rule(
    "BPD001",
    "forbidden-domain",
    Severity.ERROR,
    "a forbidden domain (openova.io, eventforge.io) or brand (Nova Cloud) appears",
    "use the Sovereign FQDN parameter, or a test Sovereign t<NN>.omani.works",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    domains = ctx.canon.section("domains")
    forbidden = forbidden_domains(ctx.canon)
    parameter = fqdn_parameter(ctx.canon)
    tests = " or ".join(f"t<NN>.{d}" for d in domains.get("testSovereignDomains", []))
    hint = f"use {parameter}" + (f", or a test Sovereign {tests}" if tests else "")
    places = Places(ctx)
    for source, found in file_scans(ctx):
        for offset, brand in found.brands:
            yield Finding(
                f"forbidden brand '{brand}'",
                location(source, offset),
                hint="name the platform Catalyst and the Sovereign by its own name",
            )
        for host in found.hosts:
            if host.api_name and not host.url:
                continue
            for domain, reason in forbidden:
                if host.ends_with(domain) is not None:
                    if places.is_api_group(host):
                        break
                    if places.never_reaches_a_sovereign(source, host.start):
                        break
                    email = source.text.endswith("@", 0, host.start)
                    yield Finding(
                        f"'{host.text}' is under the forbidden domain {domain}: {reason}",
                        location(source, host.start),
                        hint=_EMAIL_HINT if email else hint,
                    )
                    break


def forbidden_domains(canon: Canon) -> list[tuple[str, str]]:
    """The canon's forbidden domains (`domains.forbidden`), each with its reason."""
    return [
        (str(entry["domain"]), str(entry.get("reason", "forbidden")))
        for entry in canon.section("domains").get("forbidden", [])
        if isinstance(entry, dict) and entry.get("domain")
    ]


def fqdn_parameter(canon: Canon) -> str:
    """What a hint tells an author to write for the Sovereign FQDN (`${SOVEREIGN_FQDN}`)."""
    parameters = canon.section("domains").get("fqdnParameters", [])
    return str(next(iter(parameters), "the Sovereign FQDN parameter"))


_EMAIL_HINT = (
    "leave the address empty for the Sovereign's overlay to set (an address of the "
    "Sovereign's own domain); a maintainer's address belongs in Chart.yaml maintainers"
)


RULE = check
