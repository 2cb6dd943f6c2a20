"""A chart whose default values render an env var the API server refuses fails lint
(BPG012) at the template line that writes it: the `existingSecret: ""` default that
jaegertracing's and pact-broker's charts shipped, which `helm template` and the schema
both pass and `helm install` does not."""

from __future__ import annotations

from pathlib import Path

from tests.input.test_bad_input import VALUES, demo
from tests.lint.chart_refusals import DEPLOYMENT_HEAD, DEPLOYMENT_TEMPLATE, bpg012

TEMPLATE = DEPLOYMENT_TEMPLATE
DEPLOYMENT = (
    DEPLOYMENT_HEAD
    + """\
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ .Values.auth.existingSecret }}
                  key: password
"""
)


def _bpg012(workspace: Path) -> list[tuple[str, int, int, str]]:
    return [(d["file"], d["line"], d["column"], d["message"]) for d in bpg012(workspace)]


def test_an_empty_existing_secret_default_is_reported_at_the_name_line(tmp_path: Path) -> None:
    for case, value in (("empty", '""'), ("null", "null")):
        values = f"replicas: 1\nauth:\n  existingSecret: {value}\n"
        workspace = demo(tmp_path / case, {TEMPLATE: DEPLOYMENT, VALUES: values})
        found = _bpg012(workspace)
        assert [f[:2] for f in found] == [(TEMPLATE, 25)], found
        assert "valueFrom.secretKeyRef.name" in found[0][3]
        assert "the Secret's name is empty" in found[0][3]


def test_a_named_secret_passes(tmp_path: Path) -> None:
    values = "replicas: 1\nauth:\n  existingSecret: app-db\n"
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: values})
    assert _bpg012(workspace) == []
