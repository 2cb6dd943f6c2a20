"""Core Kubernetes schemas from the kubernetes-validate package, offline and cached.

kubernetes-validate ships one strict JSON Schema per kind and Kubernetes minor version
(``kubernetes-json-schema/v1.32.0-local-strict/deployment-apps-v1.json``, unknown fields
refused) plus a shared ``_definitions.json``. Its ``validate()`` re-reads both files and
builds a new validator on every call and stops at the first error, so blueprintc reads
the same files once and keeps one validator per (schema set, apiVersion, kind).

Validation follows kubernetes-validate's own semantics: strict schemas, no format
checking. A file is used only when its ``x-kubernetes-group-version-kind`` names exactly
the requested group, version and kind, so ``apps.example.com/v1 Deployment`` is not
mistaken for ``apps/v1 Deployment``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blueprintc.schemawalk import note_definitions_text

if TYPE_CHECKING:  # built on the first object the quick walk is not certain of
    from jsonschema.protocols import Validator

_SCHEMA_SET = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local-strict$")

# (schema set, apiVersion, kind) -> validator, or None when kubernetes-validate has none.
_validators: dict[tuple[str, str, str], Validator | None] = {}


@cache
def _root() -> Path:
    """kubernetes-validate's schema folder, found without importing the package (it
    imports jsonschema, ~90 ms of a one-Blueprint lint that needs no validator)."""
    spec = find_spec("kubernetes_validate")
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations)), "kubernetes-json-schema")


@cache
def schema_sets() -> dict[tuple[int, int], str]:
    """The strict schema folders kubernetes-validate carries, by (major, minor)."""
    found: dict[tuple[int, int], str] = {}
    for entry in _root().iterdir():
        match = _SCHEMA_SET.match(entry.name)
        if match:
            found[(int(match.group(1)), int(match.group(2)))] = entry.name
    return dict(sorted(found.items()))


@cache
def schema_set_for(kubernetes_version: str) -> str:
    """The newest strict schema folder not newer than ``kubernetes_version`` (``1.32.0``).

    Raises ValueError for a malformed version or one outside the carried range.
    """
    match = re.match(r"^v?(\d+)\.(\d+)(\.\d+)?$", kubernetes_version)
    if match is None:
        raise ValueError(f"not a Kubernetes version: {kubernetes_version!r} (use e.g. 1.32.0)")
    wanted = (int(match.group(1)), int(match.group(2)))
    sets = schema_sets()
    carried = [key for key in sets if key <= wanted]
    newest = max(sets)
    if not carried or wanted > newest:
        oldest = min(sets)
        raise ValueError(
            f"kubernetes-validate carries schemas for Kubernetes {oldest[0]}.{oldest[1]} to "
            f"{newest[0]}.{newest[1]}, not {kubernetes_version}"
        )
    return sets[max(carried)]


@dataclass(frozen=True)
class KindSchema:
    """A core kind's strict schema as read from kubernetes-validate."""

    schema: dict[str, Any]  # `local`: the set's definitions as its own `$defs`
    resource: Path
    schema_set: str
    local: bool  # every reference made local: the quick walk can check it


# (schema set, apiVersion, kind) -> its schema, or None when kubernetes-validate has none.
_kind_schemas: dict[tuple[str, str, str], KindSchema | None] = {}


def kind_schema(api_version: str, kind: str, kubernetes_version: str) -> KindSchema | None:
    """The strict schema of a core Kubernetes kind (cached), or None when none is carried."""
    key = (schema_set_for(kubernetes_version), api_version, kind)
    if key not in _kind_schemas:
        _kind_schemas[key] = _read(*key)
    return _kind_schemas[key]


def _read(schema_set: str, api_version: str, kind: str) -> KindSchema | None:
    group, _, version = api_version.rpartition("/")
    if not version or not kind.isalnum():
        return None
    suffix = f"{group.split('.')[0]}-{version}" if group else version
    resource = _root().joinpath(schema_set, f"{kind.lower()}-{suffix}.json")
    if not resource.is_file():
        return None
    # The shared definitions become the schema's own `$defs` (its references made local,
    # to the one parsed copy): the same verdicts, and a schema the exact quick check
    # (schemacheck.certainly_valid) can walk, so valid objects skip jsonschema.
    text = resource.read_text("utf-8").replace(f'"{_DEFINITIONS_URI}#', '"#')
    schema: dict[str, Any] = json.loads(text)
    gvk = {"group": group, "version": version, "kind": kind}
    if gvk not in schema.get("x-kubernetes-group-version-kind", []):
        return None
    if _DEFINITIONS_URI in text:  # a reference of another form: resolved as it was read
        return KindSchema(json.loads(resource.read_bytes()), resource, schema_set, False)
    schema["$defs"] = _definitions_file(schema_set)["$defs"]
    return KindSchema(schema, resource, schema_set, True)


def kubernetes_validator(api_version: str, kind: str, kubernetes_version: str) -> Validator | None:
    """A cached strict validator for a core Kubernetes kind, or None when none is carried."""
    key = (schema_set_for(kubernetes_version), api_version, kind)
    if key not in _validators:
        found = kind_schema(api_version, kind, kubernetes_version)
        _validators[key] = None if found is None else _validator(found)
    return _validators[key]


def _validator(found: KindSchema) -> Validator:
    from jsonschema import Draft202012Validator

    if not found.local:
        from referencing import Registry, Resource

        registry = Resource.from_contents(_definitions_file(found.schema_set)) @ Registry()
        return Draft202012Validator(found.schema, registry=registry)
    validator = Draft202012Validator(found.schema)
    _compiled[id(validator)] = (validator, found.schema_set, found.resource)
    return validator


# id(validator) -> (validator, its schema set, its kind's file): what `compiled_check`
# compiles, on first use. Holding the validator keeps its id from being reused.
_compiled: dict[int, tuple[Validator, str, Path]] = {}
_compiled_checks: dict[int, Any] = {}
# Compiling pays off past a few hundred objects: importing jsonschema-rs and converting the
# definitions cost ~20 ms, and each object checked then saves ~50 us. So the first ones
# (all of a one-Blueprint lint, as a pre-commit hook runs it) take the Python walk.
COMPILE_AFTER_OBJECTS = 256
_asked = 0


def walk_core_object() -> bool:
    """Whether the next core-kind object goes to the Python walk on its raw schema (the
    first `COMPILE_AFTER_OBJECTS` of a process, counted as `compiled_check` counts them;
    after those, its validator's compiled check takes over)."""
    global _asked
    if _asked >= COMPILE_AFTER_OBJECTS:
        return False
    _asked += 1
    return True


def compiled_check(validator: Validator) -> Any:
    """jsonschema-rs's `is_valid` for a Kubernetes kind's validator, or None.

    The quick "certainly valid" for core kinds: the same strict schema compiled by
    jsonschema-rs, with the version's definitions in a registry shared by every kind
    (converted once, ~6 ms; a kind then compiles in ~2 ms), checks an object in ~10 us
    where the Python walk (`schemacheck.certainly_valid`) took ~60 us. Only its "valid"
    is trusted: an object it refuses goes to jsonschema for the errors, so every message
    is jsonschema's as before. None for the first `COMPILE_AFTER_OBJECTS` objects of a
    process (see there), and for other validators. Formats are not asserted by either
    (kubernetes-validate's semantics); tests/validate/test_compiled_check.py keeps the
    two verdicts equal over the golden tree's objects and mutations of them."""
    global _asked
    entry = _compiled.get(id(validator))
    if entry is None:
        return None
    check = _compiled_checks.get(id(validator))
    if check is None:
        _asked += 1
        if _asked <= COMPILE_AFTER_OBJECTS:
            return None
        import jsonschema_rs

        _, schema_set, resource = entry
        schema = json.loads(resource.read_bytes())
        base = f"https://kubernetes.io/api/{resource.name}"
        compiled = jsonschema_rs.validator_for(
            schema, registry=_rust_registry(schema_set), base_uri=base, validate_formats=False
        )
        check = _compiled_checks[id(validator)] = compiled.is_valid
    return check


@cache
def _rust_registry(schema_set: str) -> Any:
    import jsonschema_rs

    definitions = _definitions_file(schema_set)
    return jsonschema_rs.Registry([(definitions["$id"], definitions)])


_DEFINITIONS_URI = "/api/_definitions.json"


@cache
def served_groups(kubernetes_version: str) -> frozenset[str]:
    """The API groups Kubernetes itself serves at this version ("" is the core group), as
    its definitions name them: `apps`, `networking.k8s.io`, but not a CRD's group such as
    `gateway.networking.k8s.io`."""
    definitions = _definitions_file(schema_set_for(kubernetes_version))["$defs"]
    return frozenset(
        str(gvk.get("group", ""))
        for definition in definitions.values()
        if isinstance(definition, dict)
        for gvk in definition.get("x-kubernetes-group-version-kind", [])
        if isinstance(gvk, dict)
    )


# A GA version (`v1`, `v2`); beta and alpha APIs added since Kubernetes 1.24 are off by
# default, and the oldest schema set carried is 1.25.
_GA_VERSION = re.compile(r"^v\d+$")
_META_TYPES = "io.k8s.apimachinery."  # Status, APIGroup: kinds, not resources


@cache
def served_api_versions(kubernetes_version: str) -> tuple[str, ...]:
    """`.Capabilities.APIVersions` as Helm sees it in a cluster of this version, for
    Kubernetes' own GA APIs: each group/version and group/version/Kind (`policy/v1`,
    `policy/v1/PodDisruptionBudget`).

    Why: Helm builds that list from the cluster's discovery, kinds included, where Flux
    installs a chart; offline (`helm template`) it has only client-go's group/versions,
    so `.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget"`, the usual test,
    is false and a chart falls back to an API the version no longer serves
    (`policy/v1beta1`). A CRD's APIs are not here: which a cluster has is not known."""
    definitions = _definitions_file(schema_set_for(kubernetes_version))["$defs"]
    served: dict[str, None] = {}
    for name, definition in definitions.items():
        kinds = (
            definition.get("x-kubernetes-group-version-kind")
            if isinstance(definition, dict)
            else None
        )
        # One kind per definition: DeleteOptions and WatchEvent name every group; the
        # apimachinery types (Status, APIGroup) are not resources.
        if not isinstance(kinds, list) or len(kinds) != 1 or name.startswith(_META_TYPES):
            continue
        if not isinstance(kinds[0], dict):
            continue
        group, version, kind = (str(kinds[0].get(k, "")) for k in ("group", "version", "kind"))
        if not _GA_VERSION.match(version) or kind.endswith("List"):
            continue
        group_version = f"{group}/{version}" if group else version
        served[group_version] = None
        served[f"{group_version}/{kind}"] = None
    return tuple(served)


@cache
def _definitions_file(schema_set: str) -> dict[str, Any]:
    """A schema set's `_definitions.json`, parsed once (`#/$defs/...` inside it); what its
    text shows of nested ids is noted for the walk (`schemawalk.note_definitions_text`)."""
    text = _root().joinpath(schema_set, "_definitions.json").read_bytes()
    data: dict[str, Any] = json.loads(text)
    if isinstance(data.get("$defs"), dict):
        note_definitions_text(data["$defs"], text, ids_outside=int("$id" in data))
    return data
