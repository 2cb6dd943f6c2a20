"""An args item whose image tag is left empty (`- --initImage={{ .repo }}:{{ .tag }}`
with no tag renders `- --initImage=repo:`, which YAML reads as a mapping) fails lint
(BPG012) at its line, saying why and what to do: the pod-gateway chart's bug
(k8s-at-home/charts#1698), where `helm install` said only `got "map", expected
"string"`."""

from __future__ import annotations

from pathlib import Path

from tests.input.test_bad_input import VALUES, demo
from tests.lint.chart_refusals import DEPLOYMENT_HEAD, DEPLOYMENT_TEMPLATE, bpg012

DEPLOYMENT = (
    DEPLOYMENT_HEAD
    + """\
          args:
            - --verbose
            - --initImage={{ .Values.init.repository }}:{{ .Values.init.tag }}
"""
)


def test_an_empty_tag_making_a_mapping_is_reported_at_its_item(tmp_path: Path) -> None:
    values = "replicas: 1\ninit:\n  repository: ghcr.io/example/init\n  tag: ''\n"
    workspace = demo(tmp_path, {DEPLOYMENT_TEMPLATE: DEPLOYMENT, VALUES: values})
    found = bpg012(workspace)
    assert [(d["file"], d["line"]) for d in found] == [(DEPLOYMENT_TEMPLATE, 23)], found
    assert (
        "`--initImage=ghcr.io/example/init:` is read as a mapping, not text" in found[0]["message"]
    )


def test_a_tag_given_passes(tmp_path: Path) -> None:
    values = "replicas: 1\ninit:\n  repository: ghcr.io/example/init\n  tag: '1.2.3'\n"
    workspace = demo(tmp_path, {DEPLOYMENT_TEMPLATE: DEPLOYMENT, VALUES: values})
    assert bpg012(workspace) == []
