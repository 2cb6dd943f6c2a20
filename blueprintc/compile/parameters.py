"""Sovereign values as Flux substitution parameters, never literals (CANON.md §3, §8)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from blueprintc.model.sovereign import Sovereign

PARAMETERS_CONFIGMAP = "sovereign-parameters"
# Parameters a cluster adds to the Sovereign's in its own ConfigMap.
HOST_PARAMETERS = ("CLUSTER_NAME", "PROVIDER", "REGION", "BUILDING_BLOCK", "ENV_TYPE")
VCLUSTER_PARAMETERS = ("CLUSTER_NAME", "ORG_SLUG")

# `${NAME...}` not already escaped as `$${...}`; Flux's postBuild substitution
# (drone/envsubst) turns `$${...}` into a literal `${...}`.
_REFERENCE = re.compile(r"(?<!\$)\$\{([^}]*)\}")
_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")


def parameters(sovereign: Sovereign) -> dict[str, str]:
    """Every parameter a host cluster or vcluster substitutes (`postBuild.substituteFrom`)."""
    return {
        "SOVEREIGN_FQDN": sovereign.fqdn,
        "SOVEREIGN_NAME": sovereign.name,
        **dict(sorted(sovereign.parameters.items())),
    }


def host_parameters(
    sovereign: Sovereign, host: str, provider: str, region: str, block: str, env_type: str
) -> dict[str, str]:
    """The parameters a host cluster substitutes in its bootstrap kit."""
    own = (host, provider, region, block, env_type)
    return {**parameters(sovereign), **dict(zip(HOST_PARAMETERS, own, strict=True))}


def vcluster_parameters(sovereign: Sovereign, vcluster: str, org_slug: str) -> dict[str, str]:
    """The parameters a vcluster substitutes in its Applications."""
    own = (vcluster, org_slug)
    return {**parameters(sovereign), **dict(zip(VCLUSTER_PARAMETERS, own, strict=True))}


def parametrise(value: Any, sovereign: Sovereign, cluster: Collection[str] = ()) -> Any:
    """Make `value` safe to emit under Flux's postBuild substitution.

    The literal Sovereign FQDN becomes `${SOVEREIGN_FQDN}` where it stands as
    whole DNS labels (`api.<fqdn>`, never `x<fqdn>` or `<fqdn>.evil.test`), and
    every `${...}` that names no parameter of the Sovereign nor of the ``cluster``
    the value lands on (HOST_PARAMETERS, VCLUSTER_PARAMETERS) is escaped as `$${...}` so
    Flux leaves it to the chart instead of substituting it with nothing.
    Mappings come back with sorted keys: what is emitted never depends on the
    order in which an input file happened to list its keys.
    """
    return _walk(
        value, _fqdn_pattern(sovereign.fqdn), frozenset({*parameters(sovereign), *cluster})
    )


def _walk(value: Any, fqdn: re.Pattern[str] | None, names: Collection[str]) -> Any:
    if isinstance(value, str):
        return _parametrise_string(value, fqdn, names)
    if isinstance(value, dict):
        return {k: _walk(value[k], fqdn, names) for k in sorted(value, key=_key_order)}
    if isinstance(value, list):
        return [_walk(v, fqdn, names) for v in value]
    return value


def _fqdn_pattern(fqdn: str) -> re.Pattern[str] | None:
    """The FQDN as whole labels: no label character before it, none (nor `.label`) after."""
    if not fqdn:
        return None
    return re.compile(
        rf"(?<![A-Za-z0-9_-]){re.escape(fqdn)}(?![A-Za-z0-9_-])(?!\.[A-Za-z0-9_-])",
        re.IGNORECASE,
    )


def _parametrise_string(value: str, fqdn: re.Pattern[str] | None, names: Collection[str]) -> str:
    if "${" in value:
        value = _REFERENCE.sub(lambda m: _escape_unless_parameter(m, names), value)
    if fqdn is not None:
        value = fqdn.sub("${SOVEREIGN_FQDN}", value)
    return value


def _escape_unless_parameter(match: re.Match[str], names: Collection[str]) -> str:
    name = _NAME.match(match.group(1))
    if name is not None and name.group(0) in names:
        return match.group(0)
    return "$" + match.group(0)


def _key_order(key: Any) -> tuple[str, str]:
    return type(key).__name__, str(key)
