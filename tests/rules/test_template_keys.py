"""Where a rendered object's field is written in its template (`template_keys`)."""

from __future__ import annotations

from typing import Any

import pytest

from blueprintc.rules.guards.template_keys import document_bounds, key_position, path_parts

DEPLOYMENT = """\
{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "demo.fullname" . }}
  labels:
    {{- include "demo.labels" . | nindent 4 }}
    tier: front end
spec:
  replica: {{ .Values.replicas }}
  selector:
    matchLabels:
      "app.kubernetes.io/name": demo
  template:
    spec:
      containers:
      - name: app
        image: "{{ .Values.image }}"
        command:
          - sh
          - -c
          - |
            name: not a key
      - name: sidecar
        image: busybox
        ports:
          - name: metrics
            containerPort: 9090
      {{- range .Values.extraContainers }}
      - name: {{ .name }}
        image: {{ .image }}
      {{- end }}
      volumes: {{ toYaml .Values.volumes | nindent 8 }}
{{- end }}
"""


def _where(text: str, path: tuple[Any, ...], at: int = 0) -> tuple[int, int] | None:
    lines = text.splitlines()
    first, last = document_bounds(lines, at)
    return key_position(lines, first, last, path)


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("spec", "replica"), 10, 3),  # an unknown field, at its own key
        (("metadata", "labels", "tier"), 8, 5),
        # A label the helper renders: at the `labels:` block it renders into.
        (("metadata", "labels", "app.kubernetes.io/part-of"), 6, 3),
        (("spec", "selector", "matchLabels", "app.kubernetes.io/name"), 13, 7),  # quoted
        (("spec", "template", "spec", "containers", 0, "image"), 18, 9),
        (("spec", "template", "spec", "containers", 1, "image"), 25, 9),
        (("spec", "template", "spec", "containers", 1, "name"), 24, 9),
        (("spec", "template", "spec", "containers", 1, "ports", 0, "containerPort"), 28, 13),
        # A container the `range` after the literal ones makes: at the range's item.
        (("spec", "template", "spec", "containers", 2, "image"), 31, 9),
        (("spec", "template", "spec", "containers", 4, "name"), 30, 9),
        # A field the object lacks (required): at the mapping that lacks it.
        (("spec", "strategy"), 9, 1),
        (("spec", "template", "spec", "volumes", 0, "name"), 33, 7),  # toYaml's output
        # Text inside a block scalar is no key.
        (("spec", "template", "spec", "containers", 0, "command", 2, "name"), 22, 11),
    ],
)
def test_a_field_is_found_where_the_template_writes_it(
    path: tuple[Any, ...], line: int, column: int
) -> None:
    assert _where(DEPLOYMENT, path, at=2) == (line, column)


def test_a_path_the_template_does_not_start_gives_no_place() -> None:
    assert _where(DEPLOYMENT, ("status", "replicas"), at=2) is None


def test_the_object_is_looked_for_in_its_own_document_only() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: one\n"
        "---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
    )
    # The second ConfigMap writes no `data:`: not the first one's line.
    assert _where(text, ("data", "key"), at=8) is None
    assert _where(text, ("metadata", "name"), at=8) == (11, 3)
    assert _where(text, ("data", "key"), at=1) == (6, 3)


def test_a_list_may_start_at_its_keys_indentation_or_nest_items() -> None:
    text = "spec:\n  args:\n  - - a\n    - b\n  - - c\n"
    assert _where(text, ("spec", "args", 1)) == (5, 3)
    assert _where(text, ("spec", "args", 1, 0)) == (5, 5)
    assert _where(text, ("spec", "args", 0, 1)) == (4, 5)


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("spec.replica", ("spec", "replica")),
        (
            "metadata.labels.app.kubernetes.io/name",
            ("metadata", "labels", "app.kubernetes.io/name"),
        ),
        ("spec.ports[1].name", ("spec", "ports", 1, "name")),
        ("spec.secretName", ("spec", "secretName")),  # lacking: the last part only
        ("items[0].data.a", ("items", 0, "data", "a")),
        ("apiVersion", ("apiVersion",)),
    ],
)
def test_a_json_path_is_split_by_the_keys_the_object_has(path: str, parts: tuple[Any, ...]) -> None:
    body = {
        "apiVersion": "v1",
        "metadata": {"labels": {"app.kubernetes.io/name": "x", "app": "y"}},
        "spec": {"replica": 2, "ports": [{"name": "a"}, {"name": "b"}]},
        "items": [{"data": {"a": 1}}],
    }
    assert path_parts(body, path) == parts


@pytest.mark.parametrize("path", ["spec.ports[2].name", "spec.nothing.here", "spec.replica[0]"])
def test_a_path_that_does_not_lead_through_the_object_has_no_parts(path: str) -> None:
    assert path_parts({"spec": {"replica": 2, "ports": [{}, {}]}}, path) is None


RANGED = """\
spec:
  containers:
    - name: app
      env:
        {{- range $name, $value := .Values.env }}
        {{- /* one variable per entry */}}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
      ports:
        {{- if .Values.metrics }}
        - name: metrics
          containerPort: 9090
        {{- end }}
      args:
        {{- include "demo.args" . | nindent 8 }}
        - --verbose
      volumeMounts:
        {{- range .Values.mounts }}
        - name: {{ .name }}
        {{- end }}
        {{- toYaml .Values.extraMounts | nindent 8 }}
      command:
        - {{ .Values.command | quote }}
          {{- toYaml .Values.moreCommands | nindent 8 }}
"""


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        # Every variable the range renders is its one item's: the sixth too.
        (("spec", "containers", 0, "env", 5, "value"), 8, 11),
        (("spec", "containers", 0, "env", 0, "name"), 7, 11),
        (("spec", "containers", 0, "ports", 0, "containerPort"), 13, 11),  # behind an `if`
        # An `include` or `toYaml` writes items of its own: at the list's key.
        (("spec", "containers", 0, "args", 1), 15, 7),
        (("spec", "containers", 0, "args", 0), 15, 7),
        (("spec", "containers", 0, "volumeMounts", 0, "name"), 18, 7),
        # More indented than the item, but `nindent` writes beside it: at the list's key.
        (("spec", "containers", 0, "command", 1), 23, 7),
    ],
)
def test_a_lists_one_item_stands_for_every_item_its_range_renders(
    path: tuple[Any, ...], line: int, column: int
) -> None:
    assert _where(RANGED, path) == (line, column)
