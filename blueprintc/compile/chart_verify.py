"""Charts Flux verifies: with the Sovereign's cosign public keys (``spec.registryKeys``)
every HelmRelease asks Flux to verify its chart's signature (``chart.spec.verify``,
provider cosign), against the Secret of those keys that sits beside the HelmRepository
(Flux makes the HelmChart in the HelmRepository's namespace and reads the Secret
there, each ``*.pub`` entry a key)."""

from __future__ import annotations

from typing import Any

from blueprintc.compile import flux
from blueprintc.model.sovereign import Sovereign

CHART_KEYS_SECRET = "chart-signing-keys"
CHART_KEYS_FILE = "chart-signing-keys.yaml"
CHART_KEY_ENTRY = "cosign-{n}.pub"


def chart_keys_secret(
    sovereign: Sovereign, namespace: str, labels: dict[str, str]
) -> dict[str, Any]:
    """The Secret of the Sovereign's cosign public keys, in ``namespace``."""
    return flux.public_key_secret(
        CHART_KEYS_SECRET, namespace, sovereign.registry_keys, labels, CHART_KEY_ENTRY
    )
