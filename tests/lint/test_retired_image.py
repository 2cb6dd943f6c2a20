"""BPG024: an image its publisher took away. Bitnami's versioned tags left docker.io/bitnami
in September 2025 (bitnami/containers#83267); the platform's repository fixed two
Blueprints after their installs failed on it (openova-io/openova#198, #231)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.diagnostics import Diagnostic
from blueprintc.lint import lint
from blueprintc.rules.guards.retired_image import retired_namespace
from tests.cli.helpers import write_workspace
from tests.lint.test_upstream_objects import CHART, wrapper

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: cache
  labels:
    app.kubernetes.io/name: demo
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
spec:
  containers:
    - name: cache
      image: {{ .Values.cache.image }}
"""


def _found(workspace: Path) -> list[Diagnostic]:
    return lint([workspace], root=workspace, jobs=1, select={"BPG024"}).active


@pytest.mark.parametrize(
    "image",
    [
        "bitnami/redis:7.2.4",
        "docker.io/bitnami/postgresql:16.4.0-debian-12-r0",
        "index.docker.io/bitnami/os-shell:12-debian-12-r50",
        "registry-1.docker.io/bitnami/kubectl:1.32.3",
    ],
)
def test_a_versioned_tag_under_docker_io_bitnami_is_retired(image: str) -> None:
    assert retired_namespace(image) is not None


@pytest.mark.parametrize(
    "image",
    [
        "bitnami/redis",  # latest
        "bitnami/redis:latest",
        "bitnami/redis:7.2.4@sha256:0123",  # by digest: not known here
        "bitnamilegacy/redis:7.2.4",
        "docker.io/bitnamisecure/redis:latest",
        "ghcr.io/bitnami/redis:7.2.4",
        "redis:7.2.4",
        # Sealed Secrets publishes its own images there, untouched by Bitnami's change.
        "docker.io/bitnami/sealed-secrets-controller:0.27.1",
        "bitnami/sealed-secrets-kubeseal:0.27.1",
    ],
)
def test_other_images_are_not(image: str) -> None:
    assert retired_namespace(image) is None


def test_the_charts_own_image_is_reported_at_its_line_with_where_it_moved(tmp_path: Path) -> None:
    values = "cache:\n  image: docker.io/bitnami/redis:7.2.4-debian-12-r0\n"
    workspace = write_workspace(
        tmp_path / "ws", {"demo": values}, extra={f"{CHART}/templates/pod.yaml": POD}
    )
    found = _found(workspace)
    assert [(d.location.file, d.location.line) for d in found] == [
        (f"{CHART}/templates/pod.yaml", 12)
    ]
    assert found[0].message == (
        "docker.io/bitnami/redis:7.2.4-debian-12-r0 is gone: Bitnami serves no versioned tag "
        "under docker.io/bitnami since September 2025 (bitnami/containers#83267), so the pull "
        "fails (ErrImagePull)"
    )
    assert found[0].hint.startswith(
        "pull it from docker.io/bitnamilegacy/redis:7.2.4-debian-12-r0 (the same tags"
    )


def test_an_image_only_a_ci_values_file_renders_names_the_file(tmp_path: Path) -> None:
    workspace = write_workspace(
        tmp_path / "ws",
        {"demo": "cache:\n  image: bitnamilegacy/redis:7.2.4\n"},
        extra={
            f"{CHART}/templates/pod.yaml": POD,
            f"{CHART}/ci/old-values.yaml": "cache:\n  image: bitnami/redis:7.2.4\n",
        },
    )
    found = _found(workspace)
    assert len(found) == 1
    assert found[0].message.endswith("(rendered with ci/old-values.yaml)")


def test_an_upstreams_images_are_one_finding_at_its_entry(tmp_path: Path) -> None:
    """As a Bitnami PostgreSQL vendored beside an app: the fix is in the wrapper's values,
    under the upstream's key."""
    upstream_pod = POD.replace("{{ .Values.cache.image }}", "{{ .Values.image }}")
    sidecar = upstream_pod.replace("name: cache\n  labels", "name: shell\n  labels").replace(
        "{{ .Values.image }}", "docker.io/bitnami/os-shell:12-debian-12-r50"
    )
    workspace = wrapper(
        tmp_path,
        "upstream-app:\n  image: docker.io/bitnami/postgresql:16.4.0-debian-12-r0\n",
        {},
        {"templates/pod.yaml": upstream_pod, "templates/shell.yaml": sidecar},
    )
    found = _found(workspace)
    assert [(d.location.file, d.location.line) for d in found] == [(f"{CHART}/Chart.yaml", 5)]
    assert found[0].message.startswith(
        "the upstream upstream-app renders 2 image(s) that are gone: "
        "docker.io/bitnami/os-shell:12-debian-12-r50, "
        "docker.io/bitnami/postgresql:16.4.0-debian-12-r0; Bitnami serves"
    )
    assert "under `upstream-app:`" in found[0].hint
    assert "global.security.allowInsecureImages: true" in found[0].hint


def test_images_moved_to_bitnamilegacy_pass(tmp_path: Path) -> None:
    workspace = wrapper(
        tmp_path,
        "upstream-app:\n  image: docker.io/bitnamilegacy/postgresql:16.4.0-debian-12-r0\n",
        {},
        {"templates/pod.yaml": POD.replace("{{ .Values.cache.image }}", "{{ .Values.image }}")},
    )
    assert _found(workspace) == []


def test_an_image_the_values_give_whole_is_reported_where_they_set_it(tmp_path: Path) -> None:
    """A container list printed with `toYaml`: the finding stands at the values line, as
    BPG012 places a refused value (`value_origin`)."""
    pod = POD.split("  containers:\n")[0] + (
        "  containers:\n    {{- toYaml .Values.containers | nindent 4 }}\n"
    )
    values = "containers:\n  - name: cache\n    image: bitnami/redis:7.2.4\n"
    workspace = write_workspace(
        tmp_path / "ws", {"demo": values}, extra={f"{CHART}/templates/pod.yaml": pod}
    )
    found = _found(workspace)
    assert [(d.location.file, d.location.line) for d in found] == [(f"{CHART}/values.yaml", 3)]
