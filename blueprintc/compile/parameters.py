"""Sovereign values as Flux substitution parameters, never literals (CANON.md §3, §8)."""

from __future__ import annotations

from typing import Any

from blueprintc.model.sovereign import Sovereign

PARAMETERS_CONFIGMAP = "sovereign-parameters"


def parameters(sovereign: Sovereign) -> dict[str, str]:
    """Every parameter a host cluster or vcluster substitutes (`postBuild.substituteFrom`)."""
    return {
        "SOVEREIGN_FQDN": sovereign.fqdn,
        "SOVEREIGN_NAME": sovereign.name,
        **sovereign.parameters,
    }


def parametrise(value: Any, fqdn: str) -> Any:
    """Replace the literal Sovereign FQDN in every string with `${SOVEREIGN_FQDN}`."""
    if not fqdn:
        return value
    if isinstance(value, str):
        return value.replace(fqdn, "${SOVEREIGN_FQDN}") if fqdn in value else value
    if isinstance(value, dict):
        return {k: parametrise(v, fqdn) for k, v in value.items()}
    if isinstance(value, list):
        return [parametrise(v, fqdn) for v in value]
    return value
