"""The custom APIs a chart's templates ask the cluster about, to render them as they
render on a Sovereign that serves them.

Charts gate the objects of another Blueprint's CRDs on the API being there: `{{- if
.Capabilities.APIVersions.Has "postgresql.cnpg.io/v1" }}` around a CloudNativePG
Cluster, so the release installs before bp-cnpg has registered the CRD and the Cluster
follows on the next reconcile. `helm template` answers no for every such API, so a
render with the chart's values alone never contains those objects: their mistakes
(a field the CRD refuses, a missing label, a Go map printed as text) reached the cluster
unchecked, and nothing said so. The guards that check rendered objects render each
values set a second time with the APIs the chart's own templates ask about, as
`helm template --api-versions` does (`rendered_objects.values_sets`).

Only a custom API is opened: a group with a dot that the workspace's Kubernetes version
does not serve itself (a CRD's group must have a dot). A test on one of Kubernetes' own
APIs (`policy/v1/PodDisruptionBudget`) is answered as the version answers it
(`validate.kubernetes.served_api_versions`), and one on an API it no longer serves
(`extensions/v1beta1`, `policy/v1beta1`) stays false, as in the cluster. Only literal
names in the chart's own templates are read (`.Capabilities.APIVersions.Has
"group/version"` or `.../Kind`, as Helm matches them: the exact text); an upstream's
archive keeps its gates closed, as its toggles default off. The monitoring API (canon
`charts.monitoringApiVersions`) is left to BPG006, which renders with it, every
toggle on and every toggle off, and reports what it breaks once.
"""

from __future__ import annotations

import re

from blueprintc.rules.context import BlueprintContext

_ASKED = re.compile(r"\.Capabilities\.APIVersions\.Has\s+(?:\"([^\"\s]+)\"|`([^`\s]+)`)")
# Dotted groups Kubernetes once served and no carried version serves any more.
_RETIRED_GROUPS = frozenset({"settings.k8s.io", "auditregistration.k8s.io"})


def asked_apis(ctx: BlueprintContext) -> tuple[str, ...]:
    """The custom APIs the chart's own templates test for, sorted (none: `()`); worked
    out once per Blueprint."""
    return ctx.remember("asked_apis", lambda: _asked(ctx))


def _asked(ctx: BlueprintContext) -> tuple[str, ...]:
    version = ctx.workspace.kubernetes_version
    monitoring = ctx.canon.section("charts").get("monitoringApiVersions", [])
    observability = {_group(str(api)) for api in monitoring}  # BPG006's renders have it
    found = set()
    for source in ctx.templates:
        if ".Capabilities.APIVersions.Has" in source.text:
            for match in _ASKED.finditer(source.text):
                api = match.group(1) or match.group(2)
                if is_custom_api(api, version) and _group(api) not in observability:
                    found.add(api)
    return tuple(sorted(found))


def _group(api: str) -> str:
    return api.split("/", 1)[0]


def is_custom_api(api: str, kubernetes_version: str) -> bool:
    """Whether `api` (`group/version`, or `group/version/Kind`) is a custom resource's
    API: its group has a dot and is none Kubernetes serves (or served) itself."""
    from blueprintc.validate.kubernetes import served_groups

    group = _group(api)
    if "/" not in api or "." not in group or group in _RETIRED_GROUPS:
        return False
    return group not in served_groups(kubernetes_version)


def with_apis(label: str, apis: tuple[str, ...]) -> str:
    """A values set's label with the APIs its render opened, as `helm template` is told
    them (`ci/prod-values.yaml --api-versions postgresql.cnpg.io/v1`)."""
    flag = f"--api-versions {','.join(apis)}"
    return f"{label} {flag}" if label else flag
