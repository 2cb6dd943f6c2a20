"""Plan rules about where things run: the Sovereign's regions and building blocks,
placements, names and domains (canon A1-A5, D31, P2 and the naming canon)."""

from __future__ import annotations

from blueprintc.rules.base import input_rule

MODE = input_rule(
    "BPP005",
    "placement-mode",
    "the placement mode is not one the Blueprint supports",
    "use a mode listed in the Blueprint's placementSchema.modes",
    """Placement modes.

    `single-region`, `active-active` and `active-hotstandby` exist; a
    Blueprint's `placementSchema.modes` says which it supports.
    """,
)

REGIONS = input_rule(
    "BPP006",
    "placement-regions",
    "an Application is placed in fewer or more regions than allowed",
    "place it within the Blueprint's minRegions..maxRegions",
    """Region counts.

    `placementSchema.minRegions` / `maxRegions` bound the regions; single-region
    means exactly one, the active modes need at least two.
    """,
)

A1 = input_rule(
    "BPP007",
    "sovereign-min-regions",
    "a Sovereign has fewer than 3 regions (canon A1)",
    "add regions: a Sovereign has 3 at minimum; never silently drop to 2",
    """Canon A1: a Sovereign has 3 regions at minimum.""",
)

A4 = input_rule(
    "BPP008",
    "region-building-blocks",
    "a region hosts the wrong building blocks (canon A4)",
    "the primary (first) region hosts mgt + dmz; every other region hosts dmz + rtz",
    """Canon A4: the primary region hosts building blocks mgt and dmz; every
    secondary region hosts dmz and rtz. Building-block codes come from the canon;
    a region with a code the canon does not know is reported by BPP013 alone.
    """,
)

A5 = input_rule(
    "BPP009",
    "nodeport-control-plane",
    "a NodePort Service exposes clustermesh-apiserver, kube-apiserver or etcd (canon A3/A5)",
    "use a Service of type LoadBalancer (or ClusterIP) for it",
    """Canon A3/A5: no NodePort Service for `clustermesh-apiserver`,
    `kube-apiserver` or `etcd` anywhere in rendered output. Checked on every
    bootstrap-kit and Application render, at the values that chose it.
    """,
)

D31 = input_rule(
    "BPP010",
    "hotstandby-database-regions",
    "an active-hotstandby Application with a CloudNativePG database spans fewer than 2 regions",
    "place it in at least two regions (primary + replica), each its own region",
    """Canon D31: an Application placed `active-hotstandby` with a CloudNativePG
    database runs one CNPG cluster per region: a primary and at least one
    replica region. A single-region Sovereign or Organization cannot satisfy it.
    """,
)

P2 = input_rule(
    "BPP011",
    "region-at-creation",
    "an Application or Organization refers to a region it does not have (canon P2)",
    "choose regions when the Organization is created, from the Sovereign's regions",
    """Canon P2: region and topology are part of the Organization at creation
    (N regions in one pass). An Application may only be placed in the
    Organization's regions, and those must be regions of the Sovereign that
    host the rtz building block. While a region of the Sovereign has a code the
    canon does not know (BPP013 in sovereign.yaml), Organizations are not checked
    against its regions: one typo there is one finding, not one per Organization.
    Likewise, while an Organization's own list names a region the Sovereign does
    not host, a placement in one of the Sovereign's regions is not reported again.
    A region written without its provider (`nbg`; region codes are provider-scoped)
    is told the key to write (`hz-nbg`).
    """,
)

NAMES = input_rule(
    "BPP013",
    "name-canon",
    "a name or code breaks the naming canon (CANON.md §1-§2)",
    "use the canon codes and patterns",
    """Naming canon for compiled names.

    Organization slugs match `^[a-z][a-z0-9-]{2,31}$` and are not reserved
    (`system`, `flux`, `kube-*`, any provider/region/building-block/env-type
    code); provider, region, building-block and env-type codes exist in the
    canon (regions are provider-scoped); computed host-cluster, vcluster and
    location-code names obey their patterns. An Application is defined once per
    Organization, and not under a name compile gives its own objects inside each
    vcluster, where the Application's namespace, GitRepository and Kustomization
    take its name: `environment` (the GitRepository the vcluster's Flux syncs
    from), `applications` (the Kustomization applying the Applications),
    `kustomization` (their list, `applications/kustomization.yaml`) and
    `flux-system` (Flux's own namespace, which the Application's pruning would
    delete).
    """,
)

POOL = input_rule(
    "BPP014",
    "tenant-pool-domain",
    "an Organization's pool domain is not in the Sovereign's tenant pool, or it routes a "
    "host under another Organization's domain",
    "use one of the Sovereign's tenantPool domains, and hosts under the Organization's own",
    """Tenant hostnames come from the operator-curated pool (CANON.md §3):
    `console.<org>.<pool-tld>`. A pool domain outside the Sovereign's
    `tenantPool` is drift.

    The label in front of a pool domain names the Organization a host belongs to
    (slugs are unique in a Sovereign), so an Application that routes a host under
    another Organization's domain (an Ingress rule's `host`, a Gateway API route's
    `hostnames`, as its chart renders with its config) claims that Organization's
    host: the ingress controller sends the traffic to one of their releases.
    Reported at the value that writes the host (else the Application), naming the
    Organization whose domain it is.

    Failing: initech's `route.hostname: docs.globex.omani.rest`.
    """,
)

SCHEMA = input_rule(
    "BPP015",
    "spec-schema",
    "sovereign.yaml or an Organization file does not match its schema",
    "fix the key as the message says; schemas/ documents every key",
    """Sovereign and Organization specs against `schemas/sovereign.schema.json`
    and `schemas/organization.schema.json`, reported at the offending key.

    A value another plan rule reports at the same place is reported once, by
    that rule, whose hint names what is allowed there: a code the canon does not
    know (BPP013), a placement mode the Blueprint does not support (BPP005).
    BPP015 reports it when that rule is off.
    """,
)

CREDENTIALS = input_rule(
    "BPP017",
    "credentials-in-url",
    "a URL blueprintc would emit carries a credential (user:password@host)",
    "remove the credential from the URL; give it to Flux in a Secret (secretRef) instead",
    """Credentials never go into emitted objects.

    `spec.registry` and `spec.git.baseUrl` are copied into every HelmRepository
    and GitRepository compile writes, which end up in Git: a
    `oci://user:password@host` there publishes the password. The URL is
    refused at its line and never shown. An `ssh://git@host` URL (a user, no
    password) is fine: SSH keys authenticate it.

    Failing: `registry: oci://robot:s3cret@harbor.example.com/catalyst`.
    """,
)

DEPENDENCY_NOT_PLACED = input_rule(
    "BPP023",
    "dependency-not-placed",
    "an Application is placed in a region where an Application it depends on is not",
    "place the dependency in that region too, or take the region out of the placement",
    """An Application whose Blueprint depends on a sibling Application's Blueprint
    gets a HelmRelease `dependsOn` that sibling, in every region it runs in. In a
    region where the sibling is not placed, that vcluster has no such release, and
    Flux waits on it forever: a tree that never becomes ready, compiled with exit 0.
    Reported per Environment and region, at the dependent Application's placement.

    Failing: `shop` (depends on the database Blueprint) placed active-active in
    hz-nbg and oci-fra, its database Application single-region in hz-nbg.
    """,
)


RULES = [
    MODE,
    REGIONS,
    A1,
    A4,
    A5,
    D31,
    P2,
    NAMES,
    POOL,
    SCHEMA,
    CREDENTIALS,
    DEPENDENCY_NOT_PLACED,
]
