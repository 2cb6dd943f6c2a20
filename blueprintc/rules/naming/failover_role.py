"""Clusters are named by building block, never by failover role.

CANON §2: `primary`, `dr`, `secondary` (canon `failoverRoles`) are roles a
cluster plays in a placement at one moment; after a failover they swap, and
a cluster named `dr` then serves production. Names use the building block
(`rtz`, `dmz`, `mgt`) instead.

Checked: literal values under the canon `clusterNameKeys` and
`vclusterNameKeys` (and the `openova.io/host-cluster` / `openova.io/vcluster`
labels) that are, or contain as a `-` segment, a failover role; and tokens
shaped like cluster names with a failover-role segment.

Failing::

    cluster: dr
    vcluster: acme-secondary
    kubeContext: hz-fsn-rtz-dr

Passing::

    cluster: hz-hel-rtz-prod      # the DR site is just another rtz cluster
    placement: active-hotstandby
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.codes import SHAPE, codes
from blueprintc.rules.naming.scan import CLUSTER, TOKEN, VCLUSTER, naming_items
from blueprintc.rules.naming.text import location


@rule(
    "BPN005",
    "failover-role-name",
    Severity.ERROR,
    "a failover role (primary, dr, secondary) is used as a cluster or vcluster name",
    f"name clusters by building block ({SHAPE}); failover is a placement, not a name",
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    table = codes(ctx.canon)
    for item in naming_items(ctx):
        if not item.literal or "." in item.value:
            continue
        if TOKEN in item.kinds and not table.is_cluster_shaped(item.value):
            continue
        if TOKEN not in item.kinds and not item.kinds & {CLUSTER, VCLUSTER}:
            continue
        roles = table.role_segments(item.value)
        if not roles:
            continue
        what = "vcluster" if VCLUSTER in item.kinds else "cluster"
        name = (
            "after its Organization, {org}"
            if what == "vcluster"
            else f"{SHAPE}, e.g. {table.example}"
        )
        yield Finding(
            f"{what} name '{item.value}' uses the failover role '{roles[0]}'",
            location(item.source, item.offset),
            hint=f"name the {what} {name}; failover is a placement, not a name",
        )


RULE = check
