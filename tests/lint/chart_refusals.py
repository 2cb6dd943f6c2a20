"""What the tests of refused rendered objects share: the demo chart's Deployment up to its
container's image, a ConfigMap head, a StatefulSet with a claim template, and the BPG012
findings of a workspace, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import HELM_LABELS, invoke
from tests.input.test_bad_input import DEMO

DEPLOYMENT_TEMPLATE = f"{DEMO}/chart/templates/deployment.yaml"
# Line 20 is the container's `image:`; what a test appends starts at line 21.
DEPLOYMENT_HEAD = (
    """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
"""
    + HELM_LABELS
    + """\
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Chart.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Chart.Name }}
    spec:
      containers:
        - name: app
          image: registry.example.org/app:1.2.3
"""
)


def deployment_with_env(env: str, ports: str = "") -> str:
    """`DEPLOYMENT_HEAD` with its container's `env:` (line 21), then `env`'s entries
    (indented for it) and `ports` (a `ports:` block, or nothing)."""
    return DEPLOYMENT_HEAD + "          env:\n" + env + ports


# A ConfigMap `<release>-settings` with the recommended labels, up to its `data:` (line 9).
SETTINGS_HEAD = (
    """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
"""
    + HELM_LABELS
    + "data:\n"
)


# A StatefulSet `<release>` whose claim template is labelled with the appVersion (line 28)
# and asks for `.Values.storage` (line 33); its replicas and image are values too.
STATEFULSET = (
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ .Release.Name }}\n"
    + HELM_LABELS
    + """\
spec:
  replicas: {{ .Values.replicas }}
  serviceName: {{ .Release.Name }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Chart.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Chart.Name }}
    spec:
      containers:
        - name: db
          image: {{ .Values.image }}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          app.kubernetes.io/name: {{ .Chart.Name }}
          app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: {{ .Values.storage }}
"""
)
STATEFULSET_VALUES = "replicas: 1\nimage: registry.example.org/db:16.4\nstorage: 8Gi\n"


def bpg012(workspace: Path, *args: str) -> list[dict[str, Any]]:
    """The BPG012 findings of `blueprintc lint` on `workspace` (with `args`), as JSON."""
    result = invoke("lint", "--format", "json", "--select", "BPG012", *args, workspace)
    return [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "BPG012"]
