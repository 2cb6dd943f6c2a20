"""Plan rules about the Sovereign's bootstrap kit: slots, namespaces, CRDs, placement
and software installed twice."""

from __future__ import annotations

from blueprintc.rules.base import input_rule

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

OBJECT_OWNED_TWICE = input_rule(
    "BPP033",
    "object-owned-twice",
    "two releases on one cluster render the same object (bootstrap-kit entries on a "
    "common host, or Applications of one vcluster), or a kit release renders the "
    "Namespace another installs into: each takes it over, and uninstalling one deletes "
    "it from under the other",
    "let one release own the object: turn it off in one entry's `values:` (an "
    "Application's `config:`), or name it after the release in its chart",
    """Helm records every object a release installs as the release's and deletes it
    when the release is uninstalled or stops rendering it. Flux 2.9's helm-controller
    installs with Helm 4's take-ownership on (`disableTakeOwnership` defaults to
    false): a release takes over an object that exists, whoever owns it. Compile
    renders every kit chart with its merged values; two releases placed on a common
    host cluster that render one object (same group, kind and name, and namespace for
    a namespaced kind: a fixed-name ClusterRole, a ClusterIssuer, a CRD in
    `templates/`) take it from each other at each install and upgrade, and
    uninstalling either deletes it from under the other (a CRD's custom resources go
    with it). A kit chart that renders the Namespace another kit entry installs into
    does the same to that namespace: its uninstall, which is also how Flux remediates
    a failed install, deletes the namespace with the other release's objects. With
    take-ownership off, the second install fails (`invalid ownership metadata`).
    Reported at the later entry (in install order), naming the other and the objects.
    The Helm release itself is owned twice when two kit entries on a common host have
    one `releaseName`: Flux keeps a release's history in the HelmRelease's namespace
    (flux-system, for every kit entry) by that name, whatever the target namespaces,
    so both HelmReleases upgrade, roll back and uninstall one release. Reported at the
    second entry's `releaseName:` in sovereign.yaml.

    Applications of an Organization's Environment share a vcluster per region, each
    in a namespace of its own: two of them clash on a cluster-scoped object, or on one
    in a namespace their chart names. Each is checked as Flux installs it, under its
    own release name, so a name made from `.Release.Name` never clashes. Reported at
    the later Application, once for all the Environments where it clashes.

    A host is owned the same way: two Applications of an Organization that route one
    host (an Ingress rule's `host`, a Gateway API route's `hostnames`) leave the
    ingress controller to send its traffic to one of them. Reported at the later
    Application's value that writes the host (else the Application), naming the
    first; one Application routing its host in each of its Environments is not.

    Failing: bp-base and bp-gateway both render ClusterRole `platform-reader`.
    """,
)

CRD_NOT_SERVED = input_rule(
    "BPP034",
    "crd-not-served",
    "a kit release renders a custom resource of a kind no kit release installs and the "
    "host clusters do not serve",
    "add the Blueprint that installs the CRD to the kit, or declare what the host "
    "clusters are provisioned with in `options.served`",
    """Helm applies a release's objects at once: one of a kind the API server does not
    serve fails the whole install ("no matches for kind ... ensure CRDs are installed
    first"), and Flux retries it for ever. Compile renders every kit chart with its
    merged values and knows what each release installs: its charts' `crds/` files
    and rendered CRDs, the kinds of the Crossplane CompositeResourceDefinitions it
    renders, and the CRDs some controllers register when they run (Cilium's
    `cilium.io`, a Knative Operator's Serving and Eventing). A custom resource whose
    kind none of these, the `spec.kit.before`/`after` manifest directories,
    Kubernetes itself (at `kubernetesVersion`) or Flux serves is reported at the kit
    entry, naming the kinds. So is one written at a version that the kit's CRD of its
    kind does not serve (`served: false`, or gone: an upstream upgrade that dropped
    `v1beta1`), which fails the same way; a kind the workspace declares served, or whose
    group a controller registers, is not checked for its version.

    Clusters are often provisioned with CRDs of their own (k3s's `traefik.io`, a
    CNI's): list their API groups, or `group/Kind`, under this rule's
    `options.served` in blueprintc.yaml, e.g.
    `lint: {rules: {BPP034: {options: {served: [traefik.io]}}}}`. Nothing is
    reported while an entry does not render or is not in the catalog, while a
    manifest directory reads remote resources, or while a release installs a
    Crossplane package or an OLM Subscription (they install CRDs of groups written
    nowhere compile can read); nor for an entry whose Blueprint depends on one the
    kit lacks (BPP002 says so, and the kind may be that Blueprint's). When the
    catalog has a Blueprint outside the kit that installs the kind, the hint names
    it.

    Failing: bp-gateway renders a `Widget` of `example.io`, and no kit release ships
    its CRD.
    """,
)

RULES = [
    VENDORED_TWICE,
    KIT_SLOT_ORDER,
    KIT_NAMESPACE_CONFLICT,
    CRD_DEPENDENCY,
    KIT_PLACEMENT,
    OBJECT_OWNED_TWICE,
    CRD_NOT_SERVED,
]
