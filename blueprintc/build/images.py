"""Container images a Blueprint deploys: every ``image:`` string of its default render.

For a chart the render is of the *package* (so the SBOM describes what was
published, and ``verify`` can recompute it from the pulled artifact). A
``requires-overlay`` chart, whose default render fails by design, is rendered
with its ``ci/*values.yaml`` as lint does. It is rendered for the workspace's
Kubernetes version, as lint and compile render: a chart may pick an image by the
cluster's version (SPIRE's hooks run `rancher/kubectl:<.Capabilities.KubeVersion>`),
and the SDK's own default is newer than the clusters. The SBOM records the version, and
verify renders the pulled chart for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from blueprintc import helm
from blueprintc.build.chartfile import ChartArchive, ChartArchiveError, yaml_file
from blueprintc.image_names import image_fields


class RenderFailed(Exception):
    """No render of the package succeeded; the message is Helm's."""


def chart_images(
    tgz: bytes,
    archive: ChartArchive,
    budget: helm.Budget = helm.DEFAULT_BUDGET,
    kube_version: str | None = None,
) -> list[str]:
    """The images of the package's default render for Kubernetes `kube_version` (None:
    the SDK's default)."""
    try:
        chart = helm.load_archive(tgz, f"{archive.name}-{archive.version}.tgz", budget)
        render = helm.render(chart, None, archive.name, "default", kube_version=kube_version)
        if not render.ok:
            values = _ci_values(archive)
            if values is not None:
                render = helm.render(
                    chart, values, archive.name, "default", kube_version=kube_version
                )
    except helm.ChartLoadError as exc:
        raise RenderFailed(str(exc)) from None
    except helm.HelmAborted as exc:
        raise RenderFailed(exc.message) from None
    if render.failure is not None:
        raise RenderFailed(render.failure.message)
    return images_of(o.body for o in render.objects())


def images_of(objects: Iterable[dict[str, Any]]) -> list[str]:
    """Sorted, unique ``image`` values of the objects (containers, init containers...)."""
    return sorted({image for obj in objects for image in _walk(obj)})


def _walk(node: Any) -> Iterator[str]:
    return (image.strip() for _, image in image_fields(node) if image.strip())


def _ci_values(archive: ChartArchive) -> dict[str, Any] | None:
    prefix = f"{archive.top}/ci/"
    for name in sorted(n for n in archive.files if n.startswith(prefix)):
        if name.endswith("values.yaml"):
            try:
                return yaml_file(archive.files, name)
            except ChartArchiveError:
                continue
    return None
