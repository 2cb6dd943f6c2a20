"""`omani.trade`, not `omani.trades`.

CANON §3: the third default pool domain is `omani.trade`, singular;
`omani.trades` has crept back in before and is a regression. The pairs are
canon data (`domains.regressions`: `wrong` -> `right`), matched on whole DNS
labels anywhere in the Blueprint's text.

Failing::

    poolDomains: [omani.homes, omani.rest, omani.trades]

Passing::

    poolDomains: [omani.homes, omani.rest, omani.trade]
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.hosts import hosts
from blueprintc.rules.naming.text import location


@rule(
    "BPD002",
    "domain-regression",
    Severity.ERROR,
    "a domain that is a known regression (omani.trades) appears",
    "write the canon domain (omani.trade)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    pairs = [
        (str(entry["wrong"]), str(entry["right"]))
        for entry in ctx.canon.section("domains").get("regressions", [])
        if isinstance(entry, dict) and entry.get("wrong") and entry.get("right")
    ]
    for host in hosts(ctx):
        for wrong, right in pairs:
            index = host.ends_with(wrong)
            if index is not None:
                yield Finding(
                    f"'{host.text_from(index)}' is a regression: the domain is '{right}'",
                    location(host.source, host.labels[index].start),
                    hint=f"write '{right}'",
                )


RULE = check
