"""Extra schemas for kinds blueprintc does not carry (`--schema-location`, issue 10
point 5): a kit's plain manifest step applies a cert-manager ClusterIssuer, which
compile refuses until it is told where the CRD is, and then validates strictly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from blueprintc.validate import validate_tree
from blueprintc.validate.extra_schemas import ExtraSchemas
from tests.hostile.harness import run_cli

from .helpers import REPO

FIXTURE = REPO / "tests" / "fixtures" / "platform-sovereign"
ISSUER = """apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    email: ops@t41.omani.works
    server: https://acme-v02.api.letsencrypt.org/directory
"""
CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterissuers.cert-manager.io
spec:
  group: cert-manager.io
  names: {kind: ClusterIssuer, plural: clusterissuers}
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                acme:
                  type: object
                  required: [server]
                  properties:
                    email: {type: string}
                    server: {type: string}
                    preferredChain: {type: string, nullable: true}
                    skipTLSVerify: {type: boolean}
                ca:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
"""


def _workspace(tmp_path: Path, issuer: str = ISSUER) -> Path:
    workspace = tmp_path / "ws"
    shutil.copytree(FIXTURE, workspace)
    (workspace / "post-install" / "issuer.yaml").write_text(issuer)
    kustomization = workspace / "post-install" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text() + "  - issuer.yaml\n")
    return workspace


def _crds(tmp_path: Path) -> Path:
    crds = tmp_path / "crds"
    crds.mkdir()
    (crds / "cert-manager.yaml").write_text(CRD)
    return crds


def _schema_findings(workspace: Path, out: Path, *locations: Path) -> list[str]:
    outcome = run_compile(workspace, out=out, schema_locations=locations)
    return [f"{d.rule} {d.message}" for d in outcome.diagnostics]


def test_a_kind_without_a_schema_is_refused_with_the_way_out(tmp_path: Path) -> None:
    (finding,) = _schema_findings(_workspace(tmp_path), tmp_path / "out")
    assert finding.startswith("BPC001 invalid ClusterIssuer planned: the object: no schema for ")
    assert "with --schema-location" in finding


def test_a_crd_directory_validates_the_kind_strictly(tmp_path: Path) -> None:
    crds = _crds(tmp_path)
    assert _schema_findings(_workspace(tmp_path), tmp_path / "out", crds) == []
    assert validate_tree(tmp_path / "out", kustomize=False, schema_locations=(crds,)) == []
    bad = ISSUER.replace("    server:", "    sever:") + "  ca: {anything: goes}\n"
    bad = bad.replace("email: ops@t41.omani.works", "email: 42")
    found = _schema_findings(_workspace(tmp_path / "b", bad), tmp_path / "b" / "out", crds)
    assert sorted(found) == [
        "BPC001 invalid ClusterIssuer planned: spec.acme.email: 42 is not of type 'string'",
        "BPC001 invalid ClusterIssuer planned: spec.acme.server: required field is missing",
        "BPC001 invalid ClusterIssuer planned: spec.acme.sever: unknown field",
    ]


def test_the_crds_catalog_layout_is_read_as_it_is(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog" / "cert-manager.io"
    catalog.mkdir(parents=True)
    schema = {"type": "object", "required": ["spec"], "properties": {"spec": {"type": "object"}}}
    (catalog / "clusterissuer_v1.json").write_text(json.dumps(schema))
    extra = ExtraSchemas.load([tmp_path / "catalog"])
    assert extra.validator("cert-manager.io/v1", "ClusterIssuer") is not None
    assert extra.validator("cert-manager.io/v2", "ClusterIssuer") is None
    found = _schema_findings(_workspace(tmp_path), tmp_path / "out", tmp_path / "catalog")
    assert found == []


def test_the_workspace_names_its_locations_and_a_schema_edit_unseals(tmp_path: Path) -> None:
    """`schemaLocations:` in blueprintc.yaml; the schemas' bytes are part of what a
    sealed out/ was checked against, so an edit re-validates."""
    workspace = _workspace(tmp_path)
    shutil.move(_crds(tmp_path), workspace / "crds")
    config = workspace / "blueprintc.yaml"
    config.write_text(config.read_text() + "schemaLocations: [crds]\n")
    assert run_cli("compile", cwd=workspace).code == 0
    crd = workspace / "crds" / "cert-manager.yaml"
    crd.write_text(crd.read_text().replace("email: {type: string}", "email: {type: integer}"))
    again = run_cli("compile", cwd=workspace)
    assert again.code == 1, again.output
    assert "spec.acme.email: 'ops@${SOVEREIGN_FQDN}' is not of type 'integer'" in again.output


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "loc is not a directory; fix: create it"),
        ("bad-yaml", "x.yaml:2:2: not readable YAML (did not find expected ',' or ']'"),
        ("bad-json", "widget_v1.json:2:1: not a JSON Schema (Expecting property name"),
    ],
)
def test_a_bad_location_is_one_line_and_exit_2(tmp_path: Path, case: str, message: str) -> None:
    """One line that names the file, the line and column where it is, and the fix."""
    workspace = _workspace(tmp_path)
    location = tmp_path / "loc"
    if case == "bad-yaml":
        location.mkdir()
        (location / "x.yaml").write_text("a: [1, 2\nb: 3\n")
    if case == "bad-json":
        (location / "example.com").mkdir(parents=True)
        (location / "example.com" / "widget_v1.json").write_text("{\n")
    run = run_cli("compile", "--schema-location", str(location), cwd=workspace)
    assert run.code == 2, run.output
    assert message in run.output and "Traceback" not in run.output
    assert len(run.output.strip().splitlines()) == 1, run.output
    if case != "missing":
        assert "fix: correct the file there, or move it out of the schema location" in run.output
    assert not (workspace / "out").exists()


def test_a_crd_whose_root_keeps_unknown_fields_accepts_any_field(tmp_path: Path) -> None:
    """`openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}` (a
    CRD that leaves its objects open) took every `spec` for an unknown field."""
    location = tmp_path / "crds"
    location.mkdir()
    (location / "entries.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: entries.catalog.example.com}\n"
        "spec:\n  group: catalog.example.com\n  names: {kind: Entry, plural: entries}\n"
        "  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n"
        "      schema: {openAPIV3Schema: {type: object, "
        "x-kubernetes-preserve-unknown-fields: true}}\n"
    )
    validator = ExtraSchemas.load([location]).validator("catalog.example.com/v1", "Entry")
    assert validator is not None
    entry = {"apiVersion": "catalog.example.com/v1", "kind": "Entry", "metadata": {"name": "a"}}
    assert validator.is_valid({**entry, "spec": {"title": "Default"}})
    assert not validator.is_valid({**entry, "kind": 5})
