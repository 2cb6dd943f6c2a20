"""CustomResourceDefinitions: which kind a CRD defines, and which CRDs a chart ships.

Lint's CRD-and-CR guard and compile's kit check read CRDs the same way: a chart's
`crds/` files (its subcharts' included, as Helm lists them) and the CRD objects its
templates render, each by `(spec.group, spec.names.kind)`.
"""

from __future__ import annotations

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


def chart_crds(chart: Chart) -> list[dict[str, Any]]:
    """The CRD bodies of the chart's (and its subcharts') `crds/` files."""
    result = []
    for crd in chart.crds:
        for body in yamldata.load_all(crd.get("data", "")):
            if isinstance(body, dict):
                result.append(body)
    return result


def object_kind(obj: RenderedObject) -> KindKey:
    """The (group, kind) of a rendered object (group "" for the core API)."""
    version = obj.api_version
    return (version.split("/")[0] if "/" in version else ""), obj.kind
