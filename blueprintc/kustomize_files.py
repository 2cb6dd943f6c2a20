"""What kustomize reads as its own files, apart from `kustomize` (which runs kubectl):
lint asks it of every Blueprint, and loads the runner only for one that has them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The names kustomize reads a directory's kustomization from, in its order.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# The API group of kustomize's own files (Kustomization, Component): no API server serves it.
CONFIG_GROUP = "kustomize.config.k8s.io"


def is_kustomize_file(document: Any) -> bool:
    """A Kustomization or Component, as YAML data: kustomize's input, never an object."""
    if not isinstance(document, dict):
        return False
    api_version = document.get("apiVersion")
    return isinstance(api_version, str) and api_version.split("/")[0] == CONFIG_GROUP


def kustomization_in(directory: Path) -> Path | None:
    """The file kustomize reads `directory`'s kustomization from, if there is one."""
    return next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()), None)
