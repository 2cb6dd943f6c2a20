"""Host-cluster names follow `{prov}-{reg}-{bb}-{env_type}` with canon codes.

CANON §2: a host cluster, its kube context and its Sovereign-level Flux
GitRepository are named `{prov}-{reg}-{bb}-{env_type}` (e.g.
`hz-fsn-rtz-prod`), optionally qualified by `-{org}` for a vcluster. Region
codes are provider-scoped: `fra` is an OCI region, not a Hetzner one.

Checked: every literal value under a canon `clusterNameKeys` key (values,
overlays, templates, manifests, labels such as `openova.io/host-cluster`), and
every free-standing token that looks like a cluster name: a known provider
code first and at least two of the next three segments recognisable as codes
(so `aws-load-balancer-controller` is left alone). Parameters and templates
are not checked; failover roles (`dr`, `primary`) are BPN005's. A key in a
subchart's section of the umbrella values (`spire-server: {clusterName: ...}`)
belongs to that upstream product, not to Catalyst, and is not checked.

Failing::

    cluster: hz-fra-rtz-prod          # fra is not a Hetzner region
    kubeContext: hz-fsn-rtz-production

Passing::

    cluster: hz-fsn-rtz-prod
    kubeContext: ${KUBE_CONTEXT}
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import SHAPE, codes
from blueprintc.rules.naming.scan import CLUSTER, TOKEN, Item, naming_items
from blueprintc.rules.naming.text import location, position


@rule(
    "BPN002",
    "cluster-name",
    Severity.ERROR,
    "a cluster name does not follow {prov}-{reg}-{bb}-{env_type} with canon codes",
    f"name host clusters {SHAPE} with the canon's provider, region, building-block "
    "and env-type codes",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    table = codes(ctx.canon)
    for item in naming_items(ctx):
        name = item.value
        if not item.literal or table.role_segments(name):
            continue
        if TOKEN in item.kinds:
            if not table.is_cluster_shaped(name):
                continue
        elif (
            CLUSTER not in item.kinds
            or "." in name
            or ctx.in_subchart_values(item.source, position(item.source.text, item.offset)[0])
        ):
            continue
        problems = table.cluster_problems(name)
        if not problems:
            continue
        fix = table.cluster_fix(name)
        yield Finding(
            f"cluster name '{name}': {'; '.join(problems)}",
            location(item.source, item.offset),
            hint=f"write '{fix}'" if fix else f"use {SHAPE}, e.g. {table.example}",
        )


def _upstream_owned(ctx: BlueprintContext, item: Item) -> bool:
    """The key sits in a subchart's section of the umbrella values (its product's own)."""
    return ctx.in_subchart_values(item.source, position(item.source.text, item.offset)[0])


RULE = check
