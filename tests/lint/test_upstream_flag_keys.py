"""BPT002 and a values key that carries an upstream program's command-line option: the
chart passes `--max-client-batch-size {{ .Values...maxClientBatchSize }}` to the
container, so the key is that program's name (CANON §4: names that belong to an upstream
product are never renamed). bp-bge in the platform's real repository was told to say
`maxUserBatchSize`, a flag text-embeddings-inference does not have."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPT002" / "pass"
VALUES = """\
embeddings:
  args:
    maxClientBatchSize: 32
    tenantMode: strict
    clientTimeout: 30
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      containers:
        - name: tei
          image: ghcr.io/huggingface/text-embeddings-inference:cpu-1.5
          args:
            - "--max-client-batch-size"
            - {{ .Values.embeddings.args.maxClientBatchSize | quote }}
            - --client-timeout={{ .Values.embeddings.args.clientTimeout }}
            - --tenant
"""


def test_keys_of_passed_options_are_upstream_names_and_others_are_not(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    chart = root / "blueprints" / "demo" / "chart"
    (chart / "values.yaml").write_text(VALUES, encoding="utf-8")
    (chart / "templates" / "deployment.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    found = lint([root], root=root, select={"BPT002"}).diagnostics
    # `--tenant` is one word: not the option `tenantMode` would be (`--tenant-mode`).
    assert [(d.location.line, d.location.json_path) for d in found] == [
        (4, "embeddings.args.tenantMode")
    ]
