"""A CycloneDX 1.6 JSON SBOM of one published artifact, and checking one against it.

It lists the artifact itself (``metadata.component``: name, version, an OCI
purl whose version is the manifest digest, the SHA-256 of the chart or
content layer), every subchart (name, version, repository, tree digest; see
``chartfile``) and every container image of the default render, with the Kubernetes
version that render was made for (``blueprintc:kubernetesVersion``). It is
deterministic: the serial number derives from the manifest digest and there
is no timestamp unless ``SOURCE_DATE_EPOCH`` is set.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from blueprintc import __version__
from blueprintc.build.chartfile import Subchart

SBOM_MEDIA_TYPE = "application/vnd.cyclonedx+json"
REPOSITORY_PROPERTY = "blueprintc:repository"
REFERENCE_PROPERTY = "blueprintc:reference"
KUBERNETES_PROPERTY = "blueprintc:kubernetesVersion"  # the images' render's, on the artifact


@dataclass(frozen=True)
class Subject:
    """The artifact an SBOM describes."""

    name: str
    version: str
    repository: str  # "host/path/name", as in the purl's repository_url
    digest: str  # manifest digest
    content_digest: str  # the chart .tgz (or Flux content layer)


def build_sbom(
    subject: Subject,
    subcharts: Sequence[Subchart],
    images: Sequence[str],
    timestamp: int | None = None,
    kube_version: str | None = None,
) -> bytes:
    properties = [Property(name=KUBERNETES_PROPERTY, value=kube_version)] if kube_version else []
    main = Component(
        name=subject.name,
        version=subject.version,
        type=ComponentType.APPLICATION,
        bom_ref=subject.digest,
        purl=PackageURL(
            type="oci",
            name=subject.name,
            version=subject.digest,
            qualifiers={"repository_url": subject.repository, "tag": subject.version},
        ),
        hashes=[_sha256(subject.content_digest)],
        properties=properties,
    )
    metadata = BomMetaData(component=main)
    metadata.timestamp = datetime.fromtimestamp(timestamp, UTC) if timestamp else None
    metadata.tools.components.add(
        Component(name="blueprintc", version=__version__, type=ComponentType.APPLICATION)
    )
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, subject.digest), metadata=metadata)
    parts = [_subchart(s) for s in subcharts] + [_image(i) for i in images]
    for part in parts:
        bom.components.add(part)
    bom.register_dependency(main, parts)
    return JsonV1Dot6(bom).output_as_string(indent=2).encode("utf-8")


def sbom_kube_version(data: bytes) -> str | None:
    """The Kubernetes version the SBOM's images were rendered for; None when it names none
    (an SBOM of an earlier blueprintc, a Kustomize artifact) or is not readable."""
    try:
        main = json.loads(data)["metadata"]["component"]
    except (ValueError, KeyError, TypeError):
        return None
    return (_property(main, KUBERNETES_PROPERTY) or None) if isinstance(main, dict) else None


def sbom_problems(
    data: bytes, subject: Subject, subcharts: Sequence[Subchart], images: Sequence[str] | None
) -> list[str]:
    """How the SBOM ``data`` disagrees with the artifact; empty when it matches.

    ``images=None`` skips the image comparison (no render to compare with).
    """
    try:
        doc = json.loads(data)
    except ValueError as exc:
        return [f"the SBOM is not JSON: {exc}"]
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        return ["the SBOM is not a CycloneDX document"]
    problems = []
    main = (doc.get("metadata") or {}).get("component") or {}
    expected_purl = str(
        PackageURL(
            type="oci",
            name=subject.name,
            version=subject.digest,
            qualifiers={"repository_url": subject.repository, "tag": subject.version},
        )
    )
    if main.get("purl") != expected_purl:
        problems.append(f"the SBOM describes {main.get('purl')!r}, not {expected_purl!r}")
    if _hashes(main) != {subject.content_digest.split(":", 1)[1]}:
        problems.append("the SBOM's hash of the chart content does not match the artifact's layer")
    components = [c for c in doc.get("components") or [] if isinstance(c, dict)]
    listed = sorted(
        (str(c.get("name")), str(c.get("version")), _property(c, REPOSITORY_PROPERTY), *_hashes(c))
        for c in components
        if c.get("type") == "library"
    )
    actual = sorted((s.name, s.version, s.repository, s.digest.split(":", 1)[1]) for s in subcharts)
    if listed != actual:
        problems.append(f"the SBOM lists subcharts {listed}, the artifact holds {actual}")
    listed_images = sorted(
        _property(c, REFERENCE_PROPERTY) for c in components if c.get("type") == "container"
    )
    if images is not None and listed_images != sorted(images):
        problems.append(
            f"the SBOM lists images {listed_images}, the artifact's render has {sorted(images)}"
        )
    return problems


def _sha256(digest: str) -> HashType:
    return HashType(alg=HashAlgorithm.SHA_256, content=digest.split(":", 1)[1])


def _subchart(sub: Subchart) -> Component:
    return Component(
        name=sub.name,
        version=sub.version,
        type=ComponentType.LIBRARY,
        bom_ref=f"subchart:{sub.name}@{sub.version}",
        hashes=[_sha256(sub.digest)],
        properties=[Property(name=REPOSITORY_PROPERTY, value=sub.repository)],
    )


def _image(reference: str) -> Component:
    name, version = _split_image(reference)
    return Component(
        name=name,
        version=version,
        type=ComponentType.CONTAINER,
        bom_ref=f"image:{reference}",
        properties=[Property(name=REFERENCE_PROPERTY, value=reference)],
    )


def _split_image(reference: str) -> tuple[str, str | None]:
    if "@" in reference:
        name, _, digest = reference.partition("@")
        return name, digest
    head, sep, tag = reference.rpartition(":")
    if sep and "/" not in tag:
        return head, tag
    return reference, None


def _hashes(component: dict[str, Any]) -> set[str]:
    return {
        str(h.get("content"))
        for h in component.get("hashes") or []
        if isinstance(h, dict) and h.get("alg") == "SHA-256"
    }


def _property(component: dict[str, Any], name: str) -> str:
    for prop in component.get("properties") or []:
        if isinstance(prop, dict) and prop.get("name") == name:
            return str(prop.get("value", ""))
    return ""
