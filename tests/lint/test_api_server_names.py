"""A rendered object the API server refuses by its names or labels (BPG012), though its
schema passes it: found by lint, at the template, before Flux fails to install it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import invoke
from tests.input.test_bad_input import DEMO, demo

TEMPLATE = f"{DEMO}/chart/templates/service.yaml"
SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/managed-by: {{ .Release.Service }}
    team: {{ .Release.Name }}-platform-observability-and-reliability-engineering-group
spec:
  selector:
    app.kubernetes.io/name: {{ .Chart.Name }}
  ports:
    - port: 80
      name: http
"""


def test_a_label_value_over_63_characters_is_reported_at_its_template(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {TEMPLATE: SERVICE})

    result = invoke("lint", "--format", "json", workspace)

    found = [
        (d["rule"], d["file"], d["line"], d["column"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["file"] == TEMPLATE
    ]
    # At the label's own line, not the Service's `kind:` line.
    assert [(rule, file, line, column) for rule, file, line, column, _ in found] == [
        ("BPG012", TEMPLATE, 9, 5)
    ]
    assert "metadata.labels.team" in found[0][4]
    assert "must be no more than 63 characters" in found[0][4]


def test_the_same_service_with_a_short_label_is_clean(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {TEMPLATE: SERVICE.replace("-observability-and-reliability", "")})

    result = invoke("lint", "--format", "json", workspace)

    assert [d for d in json.loads(result.stdout)["diagnostics"] if d["file"] == TEMPLATE] == []
