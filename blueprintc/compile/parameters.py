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
        **dict(sorted(sovereign.parameters.items())),
    }


def parametrise(value: Any, fqdn: str) -> Any:
    """Replace the literal Sovereign FQDN in every string with `${SOVEREIGN_FQDN}`.

    Mappings come back with sorted keys: what is emitted never depends on the
    order in which an input file happened to list its keys.
    """
    if isinstance(value, str):
        return value.replace(fqdn, "${SOVEREIGN_FQDN}") if fqdn and fqdn in value else value
    if isinstance(value, dict):
        return {k: parametrise(value[k], fqdn) for k in sorted(value, key=_key_order)}
    if isinstance(value, list):
        return [parametrise(v, fqdn) for v in value]
    return value


def _key_order(key: Any) -> tuple[str, str]:
    return type(key).__name__, str(key)
