"""Minimal Flux objects validate against the packaged structural schemas; broken ones fail."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from blueprintc.schemas import flux_schema_for, validator_for
from tests.validate.objects_data import VALID as SHARED

FLUX_KINDS = ("GitRepository", "HelmRelease", "HelmRepository", "Kustomization")

Mutation = Callable[[dict[str, Any]], None]
META = {"name": "bp-cnpg", "namespace": "flux-system"}

# One set of minimal objects for the whole suite (tests/validate/objects_data.py),
# plus the Flux objects only this module needs (an OCIRepository with `verify`, a HelmChart).
VALID: dict[str, dict[str, Any]] = {
    **{kind: SHARED[kind] for kind in FLUX_KINDS},
    "OCIRepository": {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "OCIRepository",
        "metadata": META,
        "spec": {
            "interval": "5m",
            "url": "oci://registry.example.test/acme/shop",
            "ref": {"tag": "1.0.0"},
            "verify": {"provider": "cosign", "secretRef": {"name": "cosign-pub"}},
        },
    },
    "HelmChart": {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmChart",
        "metadata": META,
        "spec": {
            "interval": "10m",
            "chart": "bp-cnpg",
            "sourceRef": {"kind": "HelmRepository", "name": "bp-cnpg"},
        },
    },
}


def errors(doc: dict[str, Any]) -> list[tuple[str, str]]:
    schema = flux_schema_for(doc["apiVersion"], doc["kind"])
    assert schema is not None
    return [(e.json_path, e.message) for e in validator_for(schema).iter_errors(doc)]


@pytest.mark.parametrize("kind", sorted(VALID))
def test_minimal_objects_validate(kind: str) -> None:
    assert errors(VALID[kind]) == []


def drop(path: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


def put(path: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


INVALID = [
    ("HelmRelease", drop("spec.interval"), "$.spec", "'interval' is a required property"),
    ("HelmRelease", put("spec.interval", 15), "$.spec.interval", "15 is not of type 'string'"),
    ("HelmRelease", put("spec.interval", "15 minutes"), "$.spec.interval", "does not match"),
    ("HelmRelease", put("spec.install.disableWait", "yes"), "$.spec.install.disableWait", "type"),
    ("HelmRelease", put("spec.releaseNmae", "x"), "$.spec", "'releaseNmae' was unexpected"),
    ("HelmRepository", put("spec.type", "git"), "$.spec.type", "is not one of"),
    ("HelmRepository", put("spec.url", "ftp://x"), "$.spec.url", "does not match"),
    ("GitRepository", drop("spec.url"), "$.spec", "'url' is a required property"),
    ("Kustomization", drop("spec.prune"), "$.spec", "'prune' is a required property"),
    ("Kustomization", put("spec.sourceRef.kind", "HelmChart"), "$.spec.sourceRef.kind", "one of"),
    ("OCIRepository", put("spec.verify.provider", "gpg"), "$.spec.verify.provider", "one of"),
    ("HelmChart", put("apiVersion", "source.toolkit.fluxcd.io/v1beta2"), "$.apiVersion", "was"),
    ("HelmChart", drop("metadata.name"), "$.metadata", "'name' is a required property"),
    ("HelmChart", drop("metadata"), "$", "'metadata' is a required property"),
]


@pytest.mark.parametrize(("kind", "mutate", "path", "message"), INVALID)
def test_broken_objects_fail_at_their_path(
    kind: str, mutate: Mutation, path: str, message: str
) -> None:
    doc = copy.deepcopy(VALID[kind])
    schema = flux_schema_for(doc["apiVersion"], doc["kind"])
    mutate(doc)
    assert schema is not None
    found = [(e.json_path, e.message) for e in validator_for(schema).iter_errors(doc)]
    assert len(found) == 1, found
    assert found[0][0] == path
    assert message in found[0][1]


def test_unknown_kinds_have_no_schema() -> None:
    assert flux_schema_for("v1", "ConfigMap") is None
    assert flux_schema_for("source.toolkit.fluxcd.io/v1beta2", "OCIRepository") is None


def test_validators_are_cached_per_schema() -> None:
    schema = flux_schema_for("helm.toolkit.fluxcd.io/v2", "HelmRelease")
    assert schema is not None
    assert validator_for(schema) is validator_for(schema)
    assert validator_for(dict(schema)) is not validator_for(schema)
