"""validate_object: Catalyst, Flux and core Kubernetes objects against their schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from blueprintc.schemas import validate_config_schema
from blueprintc.validate import check_object, validate_object
from blueprintc.validate.objects import schema_validator
from tests.validate.objects_data import VALID, valid

Mutation = Callable[[dict[str, Any]], None]


def _parent(doc: dict[str, Any], path: str) -> tuple[Any, str | int]:
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    return node, int(last) if last.isdigit() else last


def drop(path: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        node, key = _parent(doc, path)
        del node[key]

    return mutate


def put(path: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        node, key = _parent(doc, path)
        node[key] = value

    return mutate


@pytest.mark.parametrize("kind", sorted(VALID))
def test_minimal_objects_validate(kind: str) -> None:
    assert validate_object(valid(kind)) == []


def test_secret_and_service_account_validate() -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "cosign-pub", "namespace": "flux-system"},
        "type": "Opaque",
        "stringData": {"cosign.pub": "-----BEGIN PUBLIC KEY-----"},
    }
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "shop"}}
    assert validate_object(secret) == []
    assert validate_object(account) == []


INVALID = [
    # wrong type
    ("HelmRelease", put("spec.interval", 15), "spec.interval", "15 is not of type 'string'"),
    ("ConfigMap", put("data.replicas", 2), "data.replicas", "2 is not of type 'string'"),
    ("Organization", put("spec.regions", "hz-fsn"), "spec.regions", "is not of type 'array'"),
    ("EnvironmentPolicy", put("spec.requiredApprovers", "2"), "spec.requiredApprovers", "type"),
    # missing required
    ("HelmRelease", drop("spec.interval"), "spec.interval", "required field is missing"),
    ("GitRepository", drop("spec.url"), "spec.url", "required field is missing"),
    ("Kustomization", drop("spec.prune"), "spec.prune", "required field is missing"),
    ("Namespace", drop("metadata.name"), "metadata.name", "required field is missing"),
    ("Environment", drop("spec.policyRef"), "spec.policyRef", "required field is missing"),
    ("EnvironmentPolicy", drop("spec.promotesFrom"), "spec.promotesFrom", "required"),
    # unknown field
    ("HelmRelease", put("spec.releaseNmae", "x"), "spec.releaseNmae", "unknown field"),
    ("HelmRepository", put("spec.insecure2", True), "spec.insecure2", "unknown field"),
    ("OCIRepository", put("spec.ref.branch", "main"), "spec.ref.branch", "unknown field"),
    ("ConfigMap", put("metadata.labelz", {}), "metadata.labelz", "unknown field"),
    ("Organization", put("spec.owner", "x"), "spec.owner", "unknown field"),
    # bad enum / pattern / bounds
    ("HelmRepository", put("spec.type", "git"), "spec.type", "is not one of"),
    ("Kustomization", put("spec.sourceRef.kind", "HelmChart"), "spec.sourceRef.kind", "one of"),
    ("Environment", put("spec.envType", "dr"), "spec.envType", "is not one of"),
    ("Environment", put("spec.branch", "master"), "spec.branch", "is not one of"),
    ("Organization", put("spec.environments", ["prod", "qa"]), "spec.environments[1]", "one of"),
    ("Organization", put("metadata.name", "Acme"), "metadata.name", "does not match"),
    ("Organization", put("spec.regions", []), "spec.regions", "should be non-empty"),
    ("Organization", put("spec.poolDomain", "https://x.test"), "spec.poolDomain", "match"),
    ("Environment", put("metadata.name", "acme-dr"), "metadata.name", "does not match"),
    ("Environment", put("spec.vclusters", ["acme-prod"]), "spec.vclusters[0]", "does not match"),
    ("EnvironmentPolicy", put("spec.soakDuration", "1 day"), "spec.soakDuration", "match"),
    ("EnvironmentPolicy", put("spec.minREScore", 101), "spec.minREScore", "maximum"),
    ("EnvironmentPolicy", put("spec.requiredApprovers", -1), "spec.requiredApprovers", "minimum"),
    ("EnvironmentPolicy", put("spec.promotesFrom", "dr"), "spec.promotesFrom", "is not one of"),
    (
        "EnvironmentPolicy",
        put("spec.changeWindows.0.days", ["Monday"]),
        "spec.changeWindows[0].days[0]",
        "is not one of",
    ),
    (
        "EnvironmentPolicy",
        put("spec.changeWindows.0.start", "9:00"),
        "spec.changeWindows[0].start",
        "does not match",
    ),
    (
        "EnvironmentPolicy",
        drop("spec.changeWindows.0.timezone"),
        "spec.changeWindows[0].timezone",
        "required field is missing",
    ),
]


@pytest.mark.parametrize(("kind", "mutate", "path", "message"), INVALID)
def test_broken_objects_fail_at_their_path(
    kind: str, mutate: Mutation, path: str, message: str
) -> None:
    doc = valid(kind)
    mutate(doc)
    found = check_object(doc)
    assert len(found) == 1, found
    assert found[0].path == path
    assert message in found[0].message
    assert validate_object(doc) == [f"{path}: {found[0].message}"]


def test_several_problems_are_all_reported_in_path_order() -> None:
    doc = valid("HelmRelease")
    del doc["spec"]["interval"]
    doc["spec"]["bogus"] = 1
    doc["metadata"]["labels"] = {"a": 1}
    assert [e.path for e in check_object(doc)] == [
        "metadata.labels.a",
        "spec.bogus",
        "spec.interval",
    ]


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("example.com/v1", "Widget"),
        ("apps.example.com/v1", "Deployment"),  # same file name as apps/v1, other group
        ("v1", "ObjectMeta"),  # a schema file, but not a kind
        ("source.toolkit.fluxcd.io/v1beta2", "OCIRepository"),
        ("catalyst.openova.io/v1", "Organization"),
    ],
)
def test_unknown_kinds_are_errors(api_version: str, kind: str) -> None:
    doc = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    messages = validate_object(doc)
    assert len(messages) == 1
    assert f"no schema for {api_version} {kind}; blueprintc cannot vouch for it" in messages[0]


def test_unknown_flux_version_names_the_carried_one() -> None:
    doc = {
        "apiVersion": "source.toolkit.fluxcd.io/v1beta2",
        "kind": "OCIRepository",
        "metadata": {"name": "x"},
    }
    assert "carries OCIRepository as source.toolkit.fluxcd.io/v1" in validate_object(doc)[0]


def test_objects_without_api_version_or_kind() -> None:
    assert validate_object({"kind": "ConfigMap", "metadata": {"name": "x"}}) == [
        "apiVersion: required field is missing"
    ]
    assert validate_object({"apiVersion": "v1", "kind": 3, "metadata": {"name": "x"}}) == [
        "kind: 3 is not a non-empty string"
    ]
    assert validate_object(["not", "a", "mapping"]) == [  # type: ignore[arg-type]
        "the object: not a Kubernetes object: a list, not a mapping"
    ]


def test_every_kind_needs_a_name() -> None:
    doc = valid("ConfigMap")
    del doc["metadata"]["name"]
    assert validate_object(doc) == ["metadata.name: required field is missing"]
    doc["metadata"]["name"] = ""
    assert validate_object(doc) == ["metadata.name: must not be empty"]


def test_kubernetes_version_selects_the_schema_set() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "immutable": True,
    }
    assert validate_object(doc, kubernetes_version="1.25.0") == []
    assert validate_object(doc, kubernetes_version="v1.37") == []
    with pytest.raises(ValueError, match=r"carries schemas for Kubernetes 1\.25"):
        validate_object(doc, kubernetes_version="1.9.0")
    with pytest.raises(ValueError, match="not a Kubernetes version"):
        validate_object(doc, kubernetes_version="latest")


def test_long_messages_are_shortened() -> None:
    doc = valid("HelmRelease")
    doc["spec"]["interval"] = {"x" * 50: "y" * 500}
    (message,) = validate_object(doc)
    assert len(message) < 250
    assert message.endswith("...")


def test_validators_are_cached() -> None:
    for kind in ("HelmRelease", "ConfigMap", "Organization"):
        doc = VALID[kind]
        first = schema_validator(doc["apiVersion"], doc["kind"])
        assert first is not None
        assert schema_validator(doc["apiVersion"], doc["kind"]) is first


CATALYST = ("organization", "environment", "environmentpolicy")


@pytest.mark.parametrize("name", CATALYST)
def test_catalyst_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = json.loads(
        files("blueprintc").joinpath(f"data/schemas/catalyst/{name}.json").read_text()
    )
    Draft202012Validator.check_schema(schema)
    assert validate_config_schema(schema) == []  # also compiles every pattern


def test_catalyst_index_lists_every_schema() -> None:
    root = files("blueprintc").joinpath("data/schemas/catalyst")
    index = json.loads(root.joinpath("index.json").read_text())
    assert sorted(index.values()) == sorted(f"{name}.json" for name in CATALYST)
    for key, name in index.items():
        schema = json.loads(root.joinpath(name).read_text())
        api_version, _, kind = key.rpartition("/")
        assert schema["properties"]["apiVersion"]["const"] == api_version
        assert schema["properties"]["kind"]["const"] == kind


@pytest.mark.parametrize(
    ("duration", "ok"),
    [
        *[(good, True) for good in ("24h", "30m", "1h30m", "0s", "1.5h")],
        *[(bad, False) for bad in ("1d", "24", "h", "-1h")],
    ],
)
def test_soak_duration_is_a_go_duration(duration: str, ok: bool) -> None:
    doc = valid("EnvironmentPolicy")
    doc["spec"]["soakDuration"] = duration
    assert (validate_object(doc) == []) is ok


def test_first_environment_promotes_from_nothing() -> None:
    doc = valid("EnvironmentPolicy")
    doc["spec"]["promotesFrom"] = None
    doc["spec"]["changeWindows"] = []
    assert validate_object(doc) == []


def _pdb(min_available: object) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": None},
        "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": "web"}}},
    }


def test_a_null_field_of_a_built_in_kind_is_an_unset_one() -> None:
    """Helm renders an unset value as an empty `minAvailable:` (null). The API server
    decodes it as unset; kubernetes-validate's int-or-string `oneOf` would call null
    "valid under each of" its branches. Not an error (kubeconform #124 is this case)."""
    assert check_object(_pdb(None)) == []
    assert check_object(_pdb(1)) == []
    assert check_object(_pdb("50%")) == []
    [wrong] = check_object(_pdb(1.5))  # a real error is still found, with nulls around
    assert wrong.path == "spec.minAvailable"


def test_a_null_field_of_a_crd_is_pruned_as_the_api_server_prunes_it() -> None:
    """Since Kubernetes 1.20 the API server drops a custom resource's null where the CRD's
    schema is not nullable (`PruneNonNullableNullsWithoutDefaults`), then validates: an
    optional field left empty by Helm (velero's BackupStorageLocation `credential:`) is
    unset, not an error; a required one is missing, and said to be so because of its null.
    (This test said the opposite before: that null was refused as `must be of type`.)"""
    doc = valid("HelmRelease")
    doc["spec"]["timeout"] = None  # optional
    doc["spec"]["suspend"] = None  # optional
    assert check_object(doc) == []
    doc["spec"]["interval"] = None  # required
    [found] = check_object(doc)
    assert found.path == "spec.interval"
    assert found.message == (
        "required field is missing: its value is empty (null), which the API server drops "
        "from a custom resource"
    )
    doc["spec"]["interval"] = 5  # a real error among the nulls is still found as such
    [found] = check_object(doc)
    assert (found.path, found.message) == ("spec.interval", "5 is not of type 'string'")


def test_a_crds_nulls_are_pruned_by_its_schema() -> None:
    """Nullable nulls stay, a default replaces a null, nulls in lists stay (as there)."""
    from blueprintc.validate.crd_nulls import pruned_nulls

    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": ["string", "null"]},
            "c": {"type": "integer", "default": 3},
            "d": {"type": "array", "items": {"type": "string"}},
            "e": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    value = {"a": None, "b": None, "c": None, "d": [None], "e": {"x": None}, "f": None}
    pruned, dropped = pruned_nulls(value, schema)
    assert pruned == {"b": None, "c": 3, "d": [None], "e": {}, "f": None}
    assert dropped == {("a",), ("e", "x")}


def test_text_yaml_read_as_a_mapping_is_named_as_such() -> None:
    """`- --initImage=ghcr.io/k8s-at-home/pod-gateway:` (an image tag left empty, the
    pod-gateway chart's bug) is a one-key mapping in YAML, which the schema refuses as
    `{} is not of type 'string'` once its null is left out: the message says why."""
    from tests.validate.workloads import workload

    args = ["--verbose", {"--initImage=ghcr.io/k8s-at-home/pod-gateway": None}, {"--x": "y"}]
    found = {e.path: e.message for e in check_object(workload({"args": args}))}
    at = "spec.template.spec.containers[0].args"
    assert found == {
        f"{at}[1]": "`--initImage=ghcr.io/k8s-at-home/pod-gateway:` is read as a mapping, not "
        "text: a `:` ending plain text, or before a space, makes a key (a value left empty "
        "after it?); quote the text",
        f"{at}[2]": "`--x: y` is read as a mapping, not text: a `:` ending plain text, or "
        "before a space, makes a key (a value left empty after it?); quote the text",
    }
    two = {"a": None, "b": None}  # not one key: the schema's own words
    found = {e.path: e.message for e in check_object(workload({"args": [two]}))}
    assert found == {f"{at}[0]": "{} is not of type 'string', 'null'"}
