"""The build record: what was built, where it went, and what every guard found.

Plain data with a stable JSON form (no timings, no secrets), written next to
the package as ``out/build/<name>-<version>.build.json`` so CI can archive it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from blueprintc.build.chartfile import Subchart
from blueprintc.build.guards import GuardResult
from blueprintc.build.publish import PublishResult
from blueprintc.diagnostics import Diagnostic

RECORD_VERSION = 1


@dataclass
class BuildRecord:
    blueprint: str
    path: str
    kind: str  # "helm" or "kustomize"
    name: str = ""
    version: str = ""
    failed_at: str | None = None  # lint, guard, package, render, publish
    message: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    package_file: str | None = None
    package_digest: str | None = None
    manifest_digest: str | None = None
    subcharts: list[Subchart] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    kubernetes_version: str | None = None  # what `images` were rendered for
    guards: list[GuardResult] = field(default_factory=list)
    published: PublishResult | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failed_at is None

    def fail(self, stage: str, message: str) -> BuildRecord:
        self.failed_at, self.message = stage, message
        return self

    def as_dict(self) -> dict[str, Any]:
        pub = self.published
        return {
            "recordVersion": RECORD_VERSION,
            "blueprint": self.blueprint,
            "path": self.path,
            "kind": self.kind,
            "chart": {"name": self.name, "version": self.version},
            "ok": self.ok,
            "failedAt": self.failed_at,
            "message": self.message,
            "diagnostics": [_diagnostic(d) for d in self.diagnostics],
            "package": {"file": self.package_file, "digest": self.package_digest},
            "digest": self.manifest_digest,
            "subcharts": [
                {
                    "name": s.name,
                    "version": s.version,
                    "repository": s.repository,
                    "digest": s.digest,
                }
                for s in self.subcharts
            ],
            "images": list(self.images),
            "kubernetesVersion": self.kubernetes_version,
            "guards": [g.as_dict() for g in self.guards],
            "artifact": None if pub is None else _published(pub),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"


def _published(pub: PublishResult) -> dict[str, Any]:
    return {
        "reference": pub.reference,
        "repository": pub.repo,
        "tag": pub.tag,
        "digest": pub.digest,
        "state": pub.state.value,
        "message": pub.message,
        "signature": pub.signature_tag,
        "newlySigned": pub.newly_signed,
        "sbom": pub.sbom_tag,
        "sbomDigest": pub.sbom_digest,
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {
        "rule": d.rule,
        "severity": d.severity.label,
        "message": d.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "hint": d.hint,
    }
