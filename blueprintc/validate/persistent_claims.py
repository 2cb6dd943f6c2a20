"""A PersistentVolumeClaim's spec as the API server validates it: an access mode at
least, and a storage request greater than zero.

The schema takes a claim with `accessModes: []` and no `resources.requests.storage`;
the API server refuses it (`spec.accessModes: Required value: at least 1 access mode is
required`, `spec.resources[storage]: Required value`). A chart renders both from values
(`{{- toYaml .Values.persistence.accessModes | nindent 4 }}`, `storage: {{
.Values.persistence.size }}`), so values that empty them fail the install. A
StatefulSet's claim templates are refused alike, when it creates the claims (its pods
then never start). A storage text the API server cannot read is `quantities`'.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem
from blueprintc.validate.quantities import quantity_value


def claim_problems(obj: dict[str, Any]) -> list[Problem]:
    """The claim spec problems of a v1 PersistentVolumeClaim or an apps StatefulSet's
    claim templates (none for any other object)."""
    kind, api_version, spec = obj.get("kind"), obj.get("apiVersion"), obj.get("spec")
    if not isinstance(spec, dict):
        return []
    if kind == "PersistentVolumeClaim" and api_version == "v1":
        return list(_claim_spec(spec, "spec"))
    if kind == "StatefulSet" and isinstance(api_version, str) and api_version.startswith("apps/"):
        templates = spec.get("volumeClaimTemplates")
        found: list[Problem] = []
        for index, claim in enumerate(templates if isinstance(templates, list) else ()):
            claim_spec = claim.get("spec") if isinstance(claim, dict) else None
            if isinstance(claim_spec, dict):
                at = f"spec.volumeClaimTemplates[{index}].spec"
                found.extend(_claim_spec(claim_spec, at))
        return found
    return []


def _claim_spec(spec: dict[str, Any], at: str) -> Iterator[Problem]:
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        yield f"{at}.accessModes", "Required value: at least 1 access mode is required"
    resources = spec.get("resources")
    requests = resources.get("requests") if isinstance(resources, dict) else None
    storage = requests.get("storage") if isinstance(requests, dict) else None
    if storage is None:
        where = f"{at}.resources.requests" if isinstance(requests, dict) else f"{at}.resources"
        yield where, "Required value: a claim requests its storage (`storage: 8Gi`)"
        return
    value = quantity_value(storage)
    if value is not None and value <= 0:  # unreadable text is `quantities`'
        yield f"{at}.resources.requests.storage", f"{storage!r}: must be greater than zero"
