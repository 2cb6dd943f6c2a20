"""Custom resource kinds a release makes the cluster serve without a CRD in its render:
controllers that register CRDs when they run, or when an object of theirs asks.

Compile's kit check (BPP034) says a custom resource's kind is served by nothing only
when no kit release installs it, which it reads from each release's `crds/` files and
rendered CRDs, and from what is here:

- a Crossplane CompositeResourceDefinition: Crossplane creates the CRD of its composite
  kind (and, in `apiextensions.crossplane.io/v1`, of its claim kind) in `spec.group`;
- the upstream charts whose controllers register their own CRDs at start-up (Cilium's
  operator creates every `cilium.io` CRD, Crossplane's init container its core ones;
  neither chart ships any);
- operator objects that install another project's CRDs (a Knative Operator's
  KnativeServing installs Knative Serving);
- package objects that install CRDs of groups written nowhere a compiler can read (a
  Crossplane Provider, Configuration or Function; an OLM Subscription): with one in the
  kit, "nothing serves this kind" cannot be said at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from blueprintc.crds import KindKey, object_kind, served_version_names
from blueprintc.helm import RenderedObject

XRD = ("apiextensions.crossplane.io", "CompositeResourceDefinition")
# Upstream charts (by chart name) whose controllers create their CRDs when they start:
# Cilium's operator, and Crossplane's `crossplane core init` container (its chart has
# no crds/; the platform's bp-crossplane-claims renders XRDs and Compositions).
CHARTS_REGISTERING = {
    "cilium": ("cilium.io",),
    "crossplane": (
        "apiextensions.crossplane.io",
        "pkg.crossplane.io",
        "secrets.crossplane.io",
        "ops.crossplane.io",
        "protection.crossplane.io",
    ),
}
# Objects whose controller installs the CRDs of these groups.
OPERATOR_OBJECTS: dict[KindKey, tuple[str, ...]] = {
    ("operator.knative.dev", "KnativeServing"): (
        "serving.knative.dev",
        "networking.internal.knative.dev",
        "autoscaling.internal.knative.dev",
        "caching.internal.knative.dev",
    ),
    ("operator.knative.dev", "KnativeEventing"): (
        "eventing.knative.dev",
        "messaging.knative.dev",
        "sources.knative.dev",
        "flows.knative.dev",
        "sinks.knative.dev",
    ),
}
PACKAGE_OBJECTS = frozenset(
    {
        ("pkg.crossplane.io", "Provider"),
        ("pkg.crossplane.io", "Configuration"),
        ("pkg.crossplane.io", "Function"),
        ("operators.coreos.com", "Subscription"),
    }
)


@dataclass(frozen=True)
class RuntimeCrds:
    """What a render makes the cluster serve beyond the CRDs it holds."""

    kinds: frozenset[KindKey] = frozenset()
    versions: frozenset[tuple[str, str, str]] = frozenset()  # (group, kind, version) of XRDs
    groups: frozenset[str] = frozenset()  # every kind of these groups
    unknown: bool = False  # it installs CRDs of groups it does not name


def runtime_crds(objects: Iterable[RenderedObject]) -> RuntimeCrds:
    kinds: set[KindKey] = set()
    versions: set[tuple[str, str, str]] = set()
    groups: set[str] = set()
    unknown = False
    for obj in objects:
        key = object_kind(obj)
        if key == XRD:
            kinds.update(xrd_kinds(obj.body))
            versions.update(xrd_versions(obj.body))
        groups.update(OPERATOR_OBJECTS.get(key, ()))
        unknown = unknown or key in PACKAGE_OBJECTS
        for chart in chart_names(obj.template):
            groups.update(CHARTS_REGISTERING.get(chart, ()))
    return RuntimeCrds(frozenset(kinds), frozenset(versions), frozenset(groups), unknown)


def xrd_versions(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(group, kind, version) of each version an XRD serves, for each kind it makes
    Crossplane serve."""
    names = served_version_names(body)
    return [(group, kind, name) for group, kind in xrd_kinds(body) for name in names]


def xrd_kinds(body: dict[str, Any]) -> list[KindKey]:
    """The kinds a CompositeResourceDefinition makes Crossplane serve."""
    spec = body.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("group"), str):
        return []
    found = []
    for field in ("names", "claimNames"):
        names = spec.get(field)
        if isinstance(names, dict) and isinstance(names.get("kind"), str):
            found.append((spec["group"], names["kind"]))
    return found


def chart_names(template: str) -> list[str]:
    """The chart and subcharts a template key passes through
    (`bp-cilium/charts/cilium/templates/a.yaml`: bp-cilium, cilium)."""
    parts = template.split("/")
    names = parts[:1]
    names += [parts[i + 1] for i in range(1, len(parts) - 1) if parts[i] == "charts"]
    return names
