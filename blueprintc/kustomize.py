"""Adapter over the real `kubectl kustomize`."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KUBECTL = "kubectl"


@dataclass(frozen=True)
class KustomizeBuild:
    objects: list[dict[str, Any]]
    output: str
    error: str | None


def build(directory: Path, timeout: float = 60) -> KustomizeBuild:
    if shutil.which(KUBECTL) is None:
        return KustomizeBuild([], "", "kubectl is not installed; it provides `kubectl kustomize`")
    proc = subprocess.run(
        [KUBECTL, "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        return KustomizeBuild([], "", " ".join(proc.stderr.split()) or "kustomize failed")
    objects = [
        doc for doc in yaml.load_all(proc.stdout, Loader=yaml.CSafeLoader) if isinstance(doc, dict)
    ]
    return KustomizeBuild(objects, proc.stdout, None)
