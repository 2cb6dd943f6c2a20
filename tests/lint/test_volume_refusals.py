"""A chart whose values render a volume the API server refuses fails lint (BPG012) at
the template line that writes it: a Secret volume named by `tls.existingSecret: ""`,
and a volume map whose chart default (`emptyDir: {}`) values merged a claim into."""

from __future__ import annotations

from pathlib import Path

from tests.input.test_bad_input import VALUES, demo
from tests.lint.chart_refusals import DEPLOYMENT_HEAD, DEPLOYMENT_TEMPLATE, bpg012

TEMPLATE = DEPLOYMENT_TEMPLATE
DEPLOYMENT = (
    DEPLOYMENT_HEAD
    + """\
      volumes:
        - name: tls
          secret:
            secretName: {{ .Values.tls.existingSecret }}
        {{- range $name, $source := .Values.volumes }}
        - name: {{ $name }}
          {{- toYaml $source | nindent 10 }}
        {{- end }}
"""
)
DEFAULTS = "replicas: 1\ntls:\n  existingSecret: web-tls\nvolumes:\n  data:\n    emptyDir: {}\n"


def _bpg012(workspace: Path, *args: str) -> list[tuple[str, int, str]]:
    return [(d["file"], d["line"], d["message"]) for d in bpg012(workspace, *args)]


def test_the_defaults_pass(tmp_path: Path) -> None:
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: DEFAULTS})
    assert _bpg012(workspace) == []


def test_an_empty_existing_secret_is_reported_at_secret_name(tmp_path: Path) -> None:
    values = DEFAULTS.replace("existingSecret: web-tls", 'existingSecret: ""')
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: values})
    found = _bpg012(workspace)
    assert [f[:2] for f in found] == [(TEMPLATE, 24)], found
    assert "volumes[0].secret.secretName: Required value: the Secret's name is empty" in found[0][2]


def test_a_claim_merged_into_the_default_volume_is_reported(tmp_path: Path) -> None:
    """`--values` giving `volumes.data.persistentVolumeClaim`: Helm merges it beside the
    chart's `emptyDir: {}`, and the volume has two types."""
    workspace = demo(tmp_path, {TEMPLATE: DEPLOYMENT, VALUES: DEFAULTS})
    extra = tmp_path / "claim.yaml"
    extra.write_text("volumes:\n  data:\n    persistentVolumeClaim:\n      claimName: web-data\n")
    found = _bpg012(workspace, "--values", str(extra))
    # At the range's item: the literal `tls` volume is the first, the range writes the rest.
    assert [f[:2] for f in found] == [(TEMPLATE, 26)], found
    assert (
        "may not specify more than 1 volume type (it has emptyDir and persistentVolumeClaim"
        in found[0][2]
    )
