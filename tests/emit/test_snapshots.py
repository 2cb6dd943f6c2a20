"""Snapshots of hand-picked documents and of a diff, committed as plain files.

Update after a deliberate style change with ``pytest tests/emit --snapshot-update``
and review the files under ``__snapshots__/`` in the commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from blueprintc.emit import OutputFile, diff, emit, serialise

from .helpers import make_files


class YamlSnapshot(SingleFileSnapshotExtension):
    """One file per snapshot, compared byte for byte."""

    _write_mode = WriteMode.BINARY
    file_extension = "yaml"


class DiffSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "diff"


HELM_RELEASE = {
    "kind": "HelmRelease",
    "spec": {
        "interval": "10m",
        "chart": {
            "spec": {
                "chart": "bp-cert-manager",
                "version": "1.16.2",
                "sourceRef": {"kind": "HelmRepository", "name": "bp-cert-manager"},
            }
        },
        "dependsOn": [{"name": "bp-cilium"}, {"name": "bp-flux", "namespace": "flux-system"}],
        "values": {
            "installCRDs": True,
            "replicaCount": 2,
            "image": {"tag": "1.0", "digest": None},
            "extraArgs": ["--enable-certificate-owner-ref", "--v=2", "-x"],
            "featureGates": "on",
            "nodeSelector": {"kubernetes.io/os": "linux", "n": "y"},
            "tolerations": [],
            "podAnnotations": {},
            "ratio": 0.5,
            "big": 1e21,
            "octal": "0755",
            "ports": ["22:22", "8080"],
            "domain": "${sovereign_fqdn}",
            "comment": "not # a comment",
            "colon": "key: value",
            "empty": "",
            "tilde": "~",
            "unicode": "Grüße, 世界",
            "control": "bell\x07tab\tend",
        },
    },
    "apiVersion": "helm.toolkit.fluxcd.io/v2",
    "metadata": {
        "labels": {"app.kubernetes.io/managed-by": "blueprintc"},
        "namespace": "cert-manager",
        "name": "cert-manager",
        "annotations": {"catalyst.openova.io/slot": "01"},
    },
}
CONFIG_MAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "scripts", "namespace": "ops"},
    "data": {
        "run.sh": '#!/bin/sh\nset -eu\n\necho "hello: $1"\n',
        "no-final-newline": "line 1\nline 2",
        "keep-trailing": "a\n\n\n",
        "indented-first": "  starts indented\nsecond\n",
        "crlf": "windows\r\nline\r\n",
    },
}
KUSTOMIZATION = {
    "apiVersion": "kustomize.config.k8s.io/v1beta1",
    "kind": "Kustomization",
    "resources": ["01-bp-cilium.yaml", "02-bp-cert-manager.yaml"],
    "namespace": "flux-system",
}
SECRET_AND_LIST = [
    {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "stringData": {"token": "yes"}},
    [{"a": [1, [2, 3], {"b": None}]}, [], {}],
    "just a string",
]

CASES: dict[str, tuple[Any, ...]] = {
    "helm-release": (HELM_RELEASE,),
    "config-map": (CONFIG_MAP,),
    "kustomization": (KUSTOMIZATION,),
    "multi-document": tuple(SECRET_AND_LIST),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_document_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    data = serialise(OutputFile(f"{name}.yaml", CASES[name], "i"))
    assert data == snapshot.use_extension(YamlSnapshot)
    assert list(yaml.safe_load_all(data)) == list(CASES[name])


def test_diff_snapshot(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    out = tmp_path / "out"
    emit(make_files(4), out)
    (out / "zz-extra.yaml").write_bytes(b"left: over")  # no final newline
    planned = [*make_files(4, overrides={1: "v2"})[:3], OutputFile("new/a.yaml", ({"x": 1},), "n")]
    text = diff(planned, out, force_prune=True)  # zz-extra.yaml is not blueprintc's
    assert text == snapshot.use_extension(DiffSnapshot)
    assert diff(planned, out, force_prune=True) == text  # stable
    assert "zz-extra.yaml" not in diff(planned, out)  # kept without force_prune
    assert diff(make_files(4), out, prune=False) == ""
