"""Test Sovereigns live on `omani.works` or `omantel.biz`, nowhere else.

CANON §3: test Sovereigns are `t<NN>.omani.works`, with `t<NN>.omantel.biz`
as the fallback; never a third, invented test domain (`t38.omani.test`,
`t7.example-sovereign.works`). Invented domains resolve to nobody (or to
somebody else) and make tests pass against nothing.

To keep clear of look-alikes (`t3.small.search` is an instance type), a
`t<digits>` label counts only when it is a full DNS label followed by a
domain of two or more labels with an alphabetic top level, and the name is
used as a host: inside a URL or address, below another label
(`console.t38.omani.test`), or as the value of a host-like key (canon
`hostKeyPattern`: `host`, `domain`, `url`, ...). Forbidden and regressed
domains are left to BPD001 and BPD002.

Failing::

    url: https://console.t38.omani.test
    host: t7.example-sovereign.works

Passing::

    url: https://console.t38.omani.works
    instanceType: t3.small.search
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.hosts import PLAIN, Host, hosts
from blueprintc.rules.naming.text import line_before, location

_KEY = re.compile(r"([\w.-]+)[\"']?[ \t]*[:=][ \t]*[\"']?$")


@rule(
    "BPD006",
    "invented-test-domain",
    Severity.ERROR,
    "a test-Sovereign-shaped host t<NN>.<domain> uses a domain that is not a test domain",
    "use a canon test Sovereign: t<NN>.omani.works (fallback t<NN>.omantel.biz)",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    domains = ctx.canon.section("domains")
    label = re.compile(str(domains.get("testSovereignLabel", "(?!)")))
    host_key = re.compile(str(domains.get("hostKeyPattern", "(?!)")))
    tests = [str(d) for d in domains.get("testSovereignDomains", [])]
    known = [
        *tests,
        *(str(e["domain"]) for e in domains.get("forbidden", []) if isinstance(e, dict)),
        *(str(e["wrong"]) for e in domains.get("regressions", []) if isinstance(e, dict)),
    ]
    for host in hosts(ctx):
        index = _test_label(host, label) if host.sovereign is None else None
        if index is None or any(host.ends_with(d) is not None for d in known):
            continue
        if not (index or host.url or _keyed(host, host_key)):
            continue
        yield Finding(
            f"'{host.text_from(index)}' is an invented test domain",
            location(host.source, host.labels[index].start),
            hint="test Sovereigns are " + " or ".join(f"t<NN>.{d}" for d in tests),
        )


def _test_label(host: Host, label: re.Pattern[str]) -> int | None:
    """Index of a `t<NN>` label followed by two or more plain labels ending alphabetic."""
    labels = host.labels
    for index, item in enumerate(labels[:-2]):
        rest = labels[index + 1 :]
        plain = item.kind == PLAIN and all(r.kind == PLAIN for r in rest)
        if plain and label.match(item.name) and rest[-1].name.isalpha():
            return index
    return None


def _keyed(host: Host, host_key: re.Pattern[str]) -> bool:
    match = _KEY.search(line_before(host.source.text, host.start))
    return match is not None and host_key.search(match.group(1)) is not None


RULE = check
