"""Plan rules about Blueprints and the Applications that use them: dependencies,
versions, config and values, and the renders compile checks."""

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

RENDER = input_rule(
    "BPP016",
    "application-render",
    "an Application's chart does not render with its merged values",
    "fix the value the message names (often a `required` value an overlay must supply)",
    """Each Application (and bootstrap-kit entry) is rendered with its merged
    values before anything is emitted, so a `required` value nobody supplies
    fails here, not in Flux. A value that a chart's `values.schema.json`
    refuses is reported where it is set (the kit entry's `values`, the
    Sovereign overlay, the Application's config), with what the schema wants;
    other failures at the Application or kit entry.
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
    "config or an overlay sets a value the Blueprint's chart (or, below a subchart's key, "
    "that subchart) never reads",
    "use the chart's key (the closest one is suggested), or remove the setting",
    """An Application's config, the Blueprint's configSchema defaults, its size
    overlays and the Sovereign and Environment overlays land as HelmRelease
    values, as a bootstrap-kit entry's `values:` and the Sovereign overlay for it
    do. A top-level key the chart does not have is passed by Helm and read
    by nothing, so the setting silently does nothing. A key is the chart's when
    values.yaml has it, values.schema.json declares it (`properties`,
    `patternProperties`; a schema whose `additionalProperties` is a schema
    takes every key), it names a dependency (name or alias: an umbrella
    chart's subchart section), it is `global`, or a template reads it
    (`.Values.<key>`, `index .Values "<key>"`). Below a subchart's key, a key
    is judged only when it is a slip of the keyboard away from one of that
    subchart's own defaults and nothing of it reads it (`redis.replica.replicaCont`
    for `replicaCount`), or a key named with dots that spells a path of them
    (`image.tag`, which Helm does not split; `blueprintc.unread_values` says when,
    as lint's BPG014); other nested keys are not judged.
    Reported at the file and line that set the key, with the closest chart
    key (a top-level one, else a nested one such as `webapp.replicaCount`), or,
    for a key one subchart has among its own top-level values, the path below
    that subchart's key (`resources` -> `webapp.resources`).
    A warning: the tree is still compiled. A key of the Application's config
    that its Blueprint's configSchema refuses is BPP004's, an error, alone.

    Flagged: config `{replicas: 3}` for a chart whose values.yaml has only
    `webapp: {replicaCount: 2}`.
    """,
    severity=Severity.WARNING,
)


QUOTED_FALSE = input_rule(
    "BPP032",
    "quoted-false",
    'config or an overlay gives a chart a string that says false ("false", "no", "off", '
    '"0") where its values.yaml has a boolean: the chart\'s `if` reads it as true',
    "write the boolean without quotes",
    """An Application's config and the overlays, and a bootstrap-kit entry's
    `values:` and the Sovereign overlay for it, land as HelmRelease values as
    written. A Go template's `if` (and `and`, `or`, `not`, `default`) reads
    every non-empty string as true, so `tls: {enabled: "false"}` switches on
    what it says is off. Reported when the value is a string that says false
    (`false`, `no`, `off` in any case, or `0`: `blueprintc.quoted_false`) and
    the chart's values.yaml has a boolean at that path, or, below a subchart's
    key, that subchart's own values.yaml has (read where Helm reads the
    subchart), at the file and line that set it. Lint's BPG016 says the same
    of a Blueprint's own values files. A warning: the tree is still compiled.
    A value the Application's configSchema refuses is BPP004's, alone.

    Flagged: config `{metrics: {enabled: "false"}}` for a chart whose
    values.yaml has `metrics: {enabled: true}`.
    """,
    severity=Severity.WARNING,
)

RULES = [
    CYCLE,
    MISSING,
    RANGE,
    CONFIG,
    PREDICATE,
    RENDER,
    HELM_VALUES,
    UNKNOWN_ENVIRONMENT,
    AMBIGUOUS_NAME,
    PINNED_VERSION_DISAGREES,
    UNKNOWN_CHART_VALUE,
    QUOTED_FALSE,
]
