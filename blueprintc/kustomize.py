"""Adapter over the real `kubectl kustomize`."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc import yamldata
from blueprintc.childenv import child_env
from blueprintc.diagnostics import one_line

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
        env=child_env(),
    )
    if proc.returncode != 0:
        return KustomizeBuild([], "", clean_error(proc.stderr, directory))
    # Read as the API server reads it (a timestamp stays text), like Helm's output.
    objects = [
        doc for doc in yamldata.load_all(proc.stdout, kubernetes=True) if isinstance(doc, dict)
    ]
    return KustomizeBuild(objects, proc.stdout, None)


_KLOG = re.compile(
    r'^[EWI]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] "command failed" err="(?P<err>.*)"$', re.S
)


def clean_error(stderr: str, directory: Path) -> str:
    """kubectl's klog line reduced to kustomize's message, paths made relative."""
    text = one_line(stderr)
    match = _KLOG.match(text)
    if match:
        text = match.group("err")
    text = text.replace(str(directory.resolve()) + "/", "").replace(str(directory) + "/", "")
    return text or "kustomize failed"
