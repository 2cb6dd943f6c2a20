"""Plan rules: what `blueprintc compile` finds when it puts the whole picture together.

They are raised by the planner (blueprintc/compile), each at the line of the
Organization, Sovereign or Blueprint file that causes it.
"""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.rules.base import input_rule

CYCLE = input_rule(
    "BPP001",
    "dependency-cycle",
    "Blueprint dependencies form a cycle",
    "break the cycle: one of the Blueprints must not depend on the other",
    """Dependency cycles.

    Flux installs a HelmRelease only after everything in its `dependsOn` is
    ready; a cycle waits forever. The message lists the full cycle path
    (`bp-a -> bp-b -> bp-a`) and points at the `depends` entry that closes it.
    """,
)
MISSING = input_rule(
    "BPP002",
    "missing-dependency",
    "a Blueprint (or a dependency of one) is not available",
    "add the Blueprint to the catalog, the bootstrap kit, or the Organization",
    """Missing Blueprints and dependencies.

    An Application's Blueprint must be in the catalog; each of its active
    `depends` entries must be provided by the Sovereign's bootstrap kit or by
    another Application of the same Organization; a bootstrap-kit Blueprint's
    dependencies must be in the kit.
    """,
)
RANGE = input_rule(
    "BPP003",
    "version-range",
    "a version range is malformed or no catalog version satisfies it",
    "fix the range (e.g. ^1.4, ~1.2, 1.x, >=1.0 <2) or publish a matching version",
    """Version ranges.

    Ranges follow npm/Helm syntax: `^1.4`, `~1.2`, `1.x`, `>=1.0 <2`, `a || b`.
    A range no catalog version satisfies is reported at the range.
    """,
)
CONFIG = input_rule(
    "BPP004",
    "config-schema-violation",
    "an Application's config does not satisfy the Blueprint's configSchema",
    "change the config value as the message says",
    """Application config against the Blueprint's configSchema.

    The config (with per-Environment overrides and the schema's defaults
    applied) must validate; the finding points into the Organization file.

    Failing: `config: {replicas: 0}` where the schema says `minimum: 1`.
    """,
)
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
    """,
)
PREDICATE = input_rule(
    "BPP012",
    "when-predicate",
    "a `when:` predicate cannot be evaluated",
    "write a boolean expression over .config, .application, .environment",
    """`when:` predicates on `depends` entries.

    Evaluated by blueprintc's own interpreter (no calls, no attribute reads,
    time linear in the text) against the Application's effective config. A
    reference to a missing config key is an error, never silently false; so is
    an operation that fails on the values it meets (a string compared with a
    number, a float overflow), named by the part of the expression that failed.
    Syntax and the allowed language are also checked by lint (BPS005); the
    finding points at the offending character of the predicate.
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
    location-code names obey their patterns.
    """,
)
POOL = input_rule(
    "BPP014",
    "tenant-pool-domain",
    "an Organization's pool domain is not in the Sovereign's tenant pool",
    "use one of the Sovereign's tenantPool domains",
    """Tenant hostnames come from the operator-curated pool (CANON.md §3):
    `console.<org>.<pool-tld>`. A pool domain outside the Sovereign's
    `tenantPool` is drift.
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
RENDER = input_rule(
    "BPP016",
    "application-render",
    "an Application's chart does not render with its merged values",
    "fix the value the message names (often a `required` value an overlay must supply)",
    """Each Application (and bootstrap-kit entry) is rendered with its merged
    values before anything is emitted, so a `required` value nobody supplies
    fails here, not in Flux.
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
HELM_VALUES = input_rule(
    "BPP018",
    "helm-value-type",
    "a key or value in config or values is one Helm cannot read as written",
    "write the key as plain text; quote a value to keep it a string",
    """Config and values are read as Helm reads them (sigs.k8s.io/yaml: go-yaml
    v2, then JSON). An int, bool or float key becomes a string (`80:` is "80",
    `true:` is "true"), a timestamp stays its text, a !!binary value its
    decoded text. A null or !!binary key, NaN or infinity, an integer beyond
    64 bits, !!binary bytes that are no UTF-8 text, and two keys that read as
    the same string are refused where they stand.

    Failing: `config: {ports: {~: 80}}`, `config: {limit: .inf}`.
    """,
)
UNKNOWN_ENVIRONMENT = input_rule(
    "BPP019",
    "unknown-environment-override",
    "a per-Environment override names an env type the Organization does not have",
    "use one of the Organization's env types, or add that Environment",
    """An Application's `environments: {<env type>: {config: ...}}` applies only
    to an Environment of that type. An override for a type the Organization
    has no Environment of (a typo such as `prd`, or `dév`) would change
    nothing, silently; it is refused at its key with the known types listed.
    An override close to an Environment type the canon lacks (`type: devel`,
    overrides for `dev`) is left to that type's BPP013: fixing it applies them.
    """,
)
AMBIGUOUS_NAME = input_rule(
    "BPP020",
    "ambiguous-blueprint-name",
    "two Blueprints of the catalog have one name, with and without the bp- prefix",
    "name each Blueprint bp-<its directory>, or remove the duplicate",
    """`bp-x` and `x` name the same Blueprint (CANON §7: the prefix is optional
    in blueprint.yaml, and compile normalises it away). The bootstrap kit,
    `spec.depends`, Applications and overlays may write either form, so a
    catalog holding both `harbor` and `bp-harbor` leaves every reference
    ambiguous. The finding names both blueprint.yaml files.
    """,
)
PINNED_VERSION_DISAGREES = input_rule(
    "BPP021",
    "pinned-version-disagrees",
    "a kit entry or an Application pins a Blueprint whose blueprint.yaml and Chart.yaml "
    "versions differ",
    "give blueprint.yaml and Chart.yaml the same version (the higher one)",
    """Compile pins a Blueprint at its blueprint.yaml version (the artifact
    `bp-<name>:<version>`). When its Chart.yaml says another version (lint's
    BPS006), the pinned artifact and the chart in it disagree: a release bump
    that missed one file, and the kit or the Application would install the
    old version under the new name, or the reverse. Reported at the kit entry
    or the Application that pins it, with the file to change.

    Failing: `spec.version: 1.0.0` in blueprint.yaml, `version: 1.0.1` in
    chart/Chart.yaml, and a kit entry `blueprint: bp-demo`.
    """,
)
UNKNOWN_CHART_VALUE = input_rule(
    "BPP022",
    "unknown-chart-value",
    "config or an overlay sets a top-level value the Blueprint's chart does not have",
    "use the chart's key (the closest one is suggested), or remove the setting",
    """An Application's config, the Blueprint's configSchema defaults, its size
    overlays and the Sovereign and Environment overlays land as HelmRelease
    values. A top-level key the chart does not have is passed by Helm and read
    by nothing, so the setting silently does nothing. A key is the chart's when
    values.yaml has it, values.schema.json declares it (`properties`,
    `patternProperties`; a schema whose `additionalProperties` is a schema
    takes every key), it names a dependency (name or alias: an umbrella
    chart's subchart section), it is `global`, or a template reads it
    (`.Values.<key>`, `index .Values "<key>"`). Nested keys are not judged.
    Reported at the file and line that set the key, with the closest chart
    key (a top-level one, else a nested one such as `webapp.replicaCount`).
    A warning: the tree is still compiled. A key of the Application's config
    that its Blueprint's configSchema refuses is BPP004's, an error, alone.

    Flagged: config `{replicas: 3}` for a chart whose values.yaml has only
    `webapp: {replicaCount: 2}`.
    """,
    severity=Severity.WARNING,
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

VENDORED_TWICE = input_rule(
    "BPP024",
    "kit-software-twice",
    "a kit Blueprint vendors, as a subchart, the software another kit Blueprint installs",
    "drop the subchart and depend on the other kit Blueprint, or drop one kit entry",
    """Two releases of one controller in a cluster fight over its CRDs, webhooks
    and leader election, at whichever version applied last. A kit Blueprint whose
    chart vendors `bp-x`, or `x` (the upstream chart `bp-x` wraps, by the catalog's
    naming), while `bp-x` is itself in the kit, installs that software twice.
    Reported at the vendoring kit entry. Library subcharts such as `common` name no
    kit Blueprint and are not reported.

    Failing: a kit with bp-cert-manager (wrapping cert-manager 1.14.5) and
    bp-issuers whose Chart.yaml depends on cert-manager 1.13.0.
    """,
)

KIT_SLOT_ORDER = input_rule(
    "BPP025",
    "kit-slot-order",
    "a bootstrap-kit entry's explicit slot is not above a dependency's slot",
    "set a slot above every dependency's, or drop `slot` to take the entry's depth",
    """A kit file is `NN-<blueprint>.yaml`, and the kit lists its files in slot
    order: a reader (and `ls`) sees each release after what it waits for. An entry's
    `slot` sets NN by hand; one at or below the slot of a release it depends on
    (from `depends` or the entry's `dependsOn`) would put it first. The entry then
    takes its depth in the dependency graph, and the finding points at its `slot`.

    Failing: bp-base in slot 3 and bp-gateway, with `dependsOn: [base]`, in slot 2.
    """,
)

KIT_NAMESPACE_CONFLICT = input_rule(
    "BPP026",
    "kit-namespace-conflict",
    "two bootstrap-kit entries give one namespace two values for a label or annotation",
    "give the namespace one value: every entry that installs into it shares the object",
    """A kit entry's `namespace.labels` and `namespace.annotations` make compile emit
    the target Namespace (in `namespaces.yaml`), one object per namespace however
    many entries install into it. Two entries that disagree on a key would leave
    the namespace's admission policy (Pod Security, say) to whichever wins: reported
    at the second entry's key.

    Failing: bp-base and bp-gateway both into `platform`, one `restricted`, the
    other `privileged` for `pod-security.kubernetes.io/enforce`.
    """,
)

CRD_DEPENDENCY = input_rule(
    "BPP027",
    "crd-dependency-missing",
    "a kit release renders a custom resource whose CRD another kit release installs, "
    "without depending on it",
    "add the CRD's release to the entry's `dependsOn`, or to its Blueprint's `depends`",
    """Compile renders every kit chart with its merged values and notes the CRDs each
    release installs (its charts' `crds/` files and rendered CRD objects) and the
    custom resources each renders. A release that renders a `Certificate` needs the
    release that installs cert-manager's CRDs before it: Flux orders releases only by
    `dependsOn`, and on a fresh cluster the apply of a resource whose CRD is not
    there yet fails with "no matches for kind". A dependency path through other kit
    entries is enough. Reported at the kit entry, naming the kinds and the release to
    depend on.

    Failing: bp-gateway renders a `Widget` of `example.io`, whose CRD bp-base ships in
    `crds/`, and neither its blueprint.yaml nor its kit entry depends on bp-base.
    """,
)

KIT_PLACEMENT = input_rule(
    "BPP028",
    "kit-placement",
    "a bootstrap-kit entry's placement names what the Sovereign lacks, or leaves a "
    "dependency behind",
    "place the dependency wherever its dependents are, and name existing building "
    "blocks and host clusters",
    """A kit entry's `placement` (building blocks and/or host clusters by name)
    chooses the host clusters that install it. A building block or host cluster the
    Sovereign does not have places nothing (the entry is then emitted everywhere).
    An entry placed where a kit entry it depends on is not gets a `dependsOn` that
    Flux waits on forever there. Reported at the placement, naming the host clusters.

    Failing: bp-gateway (depends on bp-base) on every host cluster, bp-base only on
    the `mgt` building block.
    """,
)

LOCK_ENTRY = input_rule(
    "BPP029",
    "lock-entry-unreadable",
    "blueprintc.lock pins a Blueprint version compile can read neither from the catalog "
    "nor from its published source",
    "publish the version (`blueprintc build --publish` attaches its source), point "
    "`artifacts:` at where it is published, or promote the Environment",
    """A promotion-gated Environment runs what its `blueprintc.lock` entry pins. When the
    catalog directory holds another version, compile reads the pinned one from the
    Blueprint source `blueprintc build --publish` attaches to the published artifact
    (from `artifacts:` in blueprintc.yaml: a registry or an OCI layout, default the out
    folder's `oci/`), and refuses a source whose content digest is not the lock's.
    Nothing is planned for that Application in that Environment. Reported at the
    entry's `version`.

    Failing: the lock pins bp-webapp 1.3.0 for acme/shop stg, the catalog has moved to
    1.4.2 and 1.3.0 was never published.
    """,
)

LOCK_BEHIND = input_rule(
    "BPP030",
    "lock-entry-missing",
    "a promotion-gated Environment has no entry in blueprintc.lock",
    "run `blueprintc lock` and commit blueprintc.lock",
    """With a `blueprintc.lock`, each Application in each promotion-gated Environment
    runs its entry; one without an entry (a new Application or Environment) is built
    from the spec, which is what `blueprintc lock` would pin, but nothing holds it
    there. Without a lock file promotion is not in use and nothing is reported.
    Reported at the Application.
    """,
    severity=Severity.WARNING,
)

PROMOTION_WAITING = input_rule(
    "BPP031",
    "promotion-waiting",
    "a promotion-gated Environment runs something else than the Environment it is promoted from",
    "`blueprintc promote ORG/APP --to ENV` proposes the promotion",
    """Information, not a problem: the source Environment (the policy's `promotesFrom`)
    runs another Blueprint version, content or Application config than the lock
    entry, so a promotion is waiting. Reported at the entry.
    """,
    severity=Severity.INFO,
)


RULES = [
    CYCLE,
    MISSING,
    RANGE,
    CONFIG,
    MODE,
    REGIONS,
    A1,
    A4,
    A5,
    D31,
    P2,
    PREDICATE,
    NAMES,
    POOL,
    SCHEMA,
    RENDER,
    CREDENTIALS,
    HELM_VALUES,
    UNKNOWN_ENVIRONMENT,
    AMBIGUOUS_NAME,
    PINNED_VERSION_DISAGREES,
    DEPENDENCY_NOT_PLACED,
    VENDORED_TWICE,
    KIT_SLOT_ORDER,
    KIT_NAMESPACE_CONFLICT,
    CRD_DEPENDENCY,
    KIT_PLACEMENT,
    UNKNOWN_CHART_VALUE,
    LOCK_ENTRY,
    LOCK_BEHIND,
    PROMOTION_WAITING,
]
