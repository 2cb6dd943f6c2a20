"""CustomResourceDefinitions: which kind a CRD defines, and which CRDs a chart ships.

Lint's CRD-and-CR guard and compile's kit check read CRDs the same way: a chart's
`crds/` files (its subcharts' included, as Helm lists them) and the CRD objects its
templates render, each by `(spec.group, spec.names.kind)`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from blueprintc import yamldata
from blueprintc.helm import Chart, RenderedObject

CRD_KIND = "CustomResourceDefinition"
KindKey = tuple[str, str]  # (API group, kind)


def crd_kind(body: dict[str, Any]) -> KindKey | None:
    """The (group, kind) a CRD body defines, None when it says neither."""
    spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
    names = spec.get("names") if isinstance(spec, dict) else None
    if not isinstance(names, dict) or not isinstance(spec, dict):
        return None
    return str(spec.get("group", "")), str(names.get("kind", ""))


def served_versions(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(group, kind, version) of each version a CRD body serves."""
    kind = crd_kind(body)
    return [] if kind is None else [(*kind, name) for name in served_version_names(body)]


def served_version_names(body: dict[str, Any]) -> list[str]:
    """The names of the `spec.versions` a CRD (or a Crossplane XRD) serves: `served`
    defaults to true, as the API server reads it."""
    spec = body.get("spec")
    versions = spec.get("versions") if isinstance(spec, dict) else None
    return [
        str(v["name"])
        for v in (versions if isinstance(versions, list) else [])
        if isinstance(v, dict) and v.get("name") and v.get("served", True) is not False
    ]


def chart_crds(chart: Chart, kinds: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The CRD bodies of the chart's (and its subcharts') `crds/` files; with `kinds`,
    only those of the files that may define one of them (`may_define`): the others are
    not parsed (an upstream's CRDs run to thousands of lines)."""
    return [body for _, body in chart_crd_files(chart, kinds)]


def chart_crd_files(
    chart: Chart, kinds: Collection[str] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """`chart_crds`, each body with its file as Helm names it, from the chart's own
    directory (`bp-demo/charts/upstream/crds/widgets.yaml`)."""
    result = []
    for crd in chart.crds:
        text = crd.get("data", "")
        if kinds is not None and not may_define(text, kinds):
            continue
        for body in yamldata.load_all(text):
            if isinstance(body, dict):
                result.append((str(crd.get("filename", "")), body))
    return result


def may_define(text: str, kinds: Collection[str]) -> bool:
    """Whether YAML `text` may hold a CRD whose `spec.names.kind` is one of `kinds`.
    False only when it cannot: every kind is a name (`Widget`), which only a string
    scalar gives (`str()` of a bool, null or number is never one, bar the five below),
    and a string holds the name as written unless it spells it with an escape."""
    if "\\" in text or not all(_NAME.fullmatch(k) and k not in _NOT_NAMES for k in kinds):
        return True
    return any(kind in text for kind in kinds)


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_NOT_NAMES = frozenset({"True", "False", "None", "inf", "nan"})  # str() of other scalars


def cluster_scoped_crds(bodies: Iterable[dict[str, Any]]) -> frozenset[KindKey]:
    """The kinds those CRD bodies define whose objects have no namespace (`scope:
    Cluster`: a ClusterIssuer, a ClusterSecretStore)."""
    found = set()
    for body in bodies:
        spec = body.get("spec")
        kind = crd_kind(body)
        if isinstance(spec, dict) and spec.get("scope") == "Cluster" and kind is not None:
            found.add(kind)
    return frozenset(found)


def object_kind(obj: RenderedObject) -> KindKey:
    """The (group, kind) of a rendered object (group "" for the core API)."""
    version = obj.api_version
    return (version.split("/")[0] if "/" in version else ""), obj.kind
