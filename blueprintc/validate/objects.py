"""Validate one emitted Kubernetes object against the schema of its apiVersion and kind.

Three schema sources, tried in this order:

- Catalyst resources (Organization, Environment, EnvironmentPolicy): the hand-written
  schemas in ``blueprintc/data/schemas/catalyst/``;
- Flux objects: the structural Flux 2.9 CRD schemas (``blueprintc.schemas``);
- core Kubernetes kinds (ConfigMap, Namespace, Secret, ...): kubernetes-validate's strict
  schemas for the requested Kubernetes version (``blueprintc.validate.kubernetes``);
- then the caller's extra schemas (``--schema-location``: CRDs and schema files,
  ``blueprintc.validate.extra_schemas``).

Any other apiVersion/kind is an error: blueprintc cannot vouch for an object it has no
schema for. Every object must also carry ``apiVersion``, ``kind`` and ``metadata.name``.
Validators are built once per (apiVersion, kind) and reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from blueprintc.mapping import value_at
from blueprintc.schemacheck import certainly_valid, certainly_valid_schema
from blueprintc.schemas import (
    error_message,
    flux_schema_for,
    load_schema,
    most_specific_error,
    quick_valid,
    validator_for,
)
from blueprintc.validate.autoscaler_metrics import autoscaler_metric_problems
from blueprintc.validate.carried import carried_check
from blueprintc.validate.crd_nulls import pruned_nulls
from blueprintc.validate.data_maps import data_map_problems
from blueprintc.validate.disruption import disruption_problems
from blueprintc.validate.extra_schemas import ExtraSchemas
from blueprintc.validate.kubernetes import (
    KindSchema,
    compiled_check,
    kind_schema,
    kubernetes_validator,
    schema_set_for,
    walk_core_object,
)
from blueprintc.validate.label_text import Problem
from blueprintc.validate.network_policies import network_policy_problems
from blueprintc.validate.object_meta import metadata_problems, object_meta_problems
from blueprintc.validate.persistent_claims import claim_problems
from blueprintc.validate.quantities import quantity_problems
from blueprintc.validate.rbac import rbac_problems
from blueprintc.validate.supported_values import supported_value_problems
from blueprintc.yamldoc import PathKey, json_path

if TYPE_CHECKING:  # a validator is built only for an object the quick walk is unsure of
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

DEFAULT_KUBERNETES_VERSION = "1.32.0"

# (apiVersion, kind, Kubernetes version) -> validator, or None: no schema.
_dispatch: dict[tuple[str, str, str], Validator | None] = {}


# The API server's checks of one or a few kinds, by kind (each also checks the
# apiVersion): an object of another kind, such as the Flux objects compile emits by the
# hundred thousand, is not asked.
_KIND_CHECKS: dict[str, tuple[Callable[[dict[str, Any]], list[Problem]], ...]] = {
    "ConfigMap": (data_map_problems,),
    "Secret": (data_map_problems,),
    "PersistentVolumeClaim": (claim_problems,),
    "StatefulSet": (claim_problems,),
    "Deployment": (disruption_problems,),
    "PodDisruptionBudget": (disruption_problems,),
    "HorizontalPodAutoscaler": (disruption_problems, autoscaler_metric_problems),
    "NetworkPolicy": (network_policy_problems,),
    **dict.fromkeys(("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"), (rbac_problems,)),
}


@dataclass(frozen=True, order=True)
class SchemaError:
    """One problem with an object: where (a JSON path, empty for the whole object) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or 'the object'}: {self.message}"


def validate_object(
    obj: dict[str, Any],
    *,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    extra: ExtraSchemas | None = None,
) -> list[str]:
    """Why ``obj`` does not validate, one message per problem naming its JSON path.

    An empty list means valid. ``extra``: schemas from `--schema-location` for kinds
    blueprintc does not carry. Raises ValueError for a Kubernetes version that
    kubernetes-validate does not carry.
    """
    return [
        str(error)
        for error in check_object(obj, kubernetes_version=kubernetes_version, extra=extra)
    ]


def check_object(
    obj: object,
    *,
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
    extra: ExtraSchemas | None = None,
) -> list[SchemaError]:
    """Like :func:`validate_object`, with path and message apart; sorted, no repeats."""
    schema_set_for(kubernetes_version)  # fail fast on an unsupported version
    if not isinstance(obj, dict):
        return [SchemaError("", f"not a Kubernetes object: a {type(obj).__name__}, not a mapping")]
    # With the API server's checks of names, labels, quantities and data maps (where the
    # schema finds nothing): those of every object, then its kind's.
    problems = [
        *object_meta_problems(obj),
        *quantity_problems(obj),
        *supported_value_problems(obj),
    ]
    kind = obj.get("kind")
    for kind_check in _KIND_CHECKS.get(kind, ()) if isinstance(kind, str) else ():
        problems.extend(kind_check(obj))
    meta = {SchemaError(path, message) for path, message in problems}
    envelope = set(_envelope(obj)) | meta
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not (isinstance(api_version, str) and api_version and isinstance(kind, str) and kind):
        return sorted(envelope)
    if _quickly_valid(obj, api_version, kind, kubernetes_version, extra):
        return sorted(envelope)
    validator = schema_validator(api_version, kind, kubernetes_version)
    if validator is None and extra is not None:
        validator = extra.validator(api_version, kind)
    if validator is None:
        return sorted(envelope | {SchemaError("", _no_schema(api_version, kind))})
    compiled = compiled_check(validator)
    if compiled is not None and compiled(obj):  # the common case, off the Python walk
        return sorted(envelope)
    if compiled is None and certainly_valid(validator, obj):  # without jsonschema's descent
        return sorted(envelope)
    errors = set(_errors(validator, obj, obj))
    if errors and _has_null(obj):
        if _is_core(api_version, kind, kubernetes_version):
            errors = set(_errors(validator, without_nulls(obj), obj))
        else:  # a custom resource (Flux's, a CRD's): as the API server prunes its nulls
            pruned, dropped = pruned_nulls(obj, validator.schema)
            errors = {_null_named(e, dropped) for e in _errors(validator, pruned, obj)}
    checked = {e.path for e in errors}
    return sorted(errors | {e for e in envelope if e not in meta or e.path not in checked})


def check_metadata(obj: dict[str, Any]) -> list[SchemaError]:
    """What the API server refuses of an object whose kind has no schema at hand: the
    fields every object needs and its metadata (`object_meta.metadata_problems`)."""
    meta = {SchemaError(path, message) for path, message in metadata_problems(obj)}
    return sorted(set(_envelope(obj)) | meta)


def _null_named(error: SchemaError, dropped: set[PathKey]) -> SchemaError:
    """A required field missing because the API server pruned its null, said so."""
    if error.message == REQUIRED_MISSING and error.path in {json_path(p) for p in dropped}:
        return SchemaError(error.path, f"{REQUIRED_MISSING}: its value is empty (null), {PRUNED}")
    return error


REQUIRED_MISSING = "required field is missing"
PRUNED = "which the API server drops from a custom resource"


def _is_core(api_version: str, kind: str, version: str) -> bool:
    """A kind of Kubernetes itself (not a CRD, Flux or Catalyst resource)."""
    return isinstance(_carried_schema(api_version, kind, version), KindSchema)


def _has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(item is None or _has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_null(item) for item in value)
    return False


def without_nulls(value: Any) -> Any:
    """``value`` with every null-valued mapping key left out, as the API server decodes
    a built-in kind: a null field is an unset one (`nodePort: null`, or Helm's empty
    `minAvailable:`), whose defaults then apply. kubernetes-validate's schemas allow
    null almost everywhere, but not where two `oneOf` branches both do (int-or-string
    fields), which would report a value Kubernetes accepts. A custom resource's nulls
    are pruned by its schema instead (`crd_nulls`)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def _quickly_valid(
    obj: dict[str, Any], api_version: str, kind: str, version: str, extra: ExtraSchemas | None
) -> bool:
    """The quick walk on the raw schema `schema_validator` (then `extra`) would check
    against, before any validator is built: a valid object of a one-Blueprint lint then
    never imports jsonschema. Core kinds go this way only while `compiled_check` would
    not yet check them (its counter counts these too)."""
    carried = _carried_schema(api_version, kind, version)
    if isinstance(carried, KindSchema):  # kubernetes-validate's semantics: no formats
        walked = carried.local and walk_core_object()
        return walked and certainly_valid_schema(carried.schema, obj, None)
    if carried is not None:
        compiled = carried_check(carried)
        return compiled(obj) if compiled is not None else quick_valid(carried, obj)
    found = None if extra is None else extra.schema(api_version, kind)
    return found is not None and quick_valid(found, obj)


_UNKNOWN: Any = object()
# (apiVersion, kind, Kubernetes version) -> the Catalyst or Flux schema, the core kind's,
# or None: what `schema_validator` builds its validator from, found once.
_carried_schemas: dict[tuple[str, str, str], dict[str, Any] | KindSchema | None] = {}


def _carried_schema(
    api_version: str, kind: str, version: str
) -> dict[str, Any] | KindSchema | None:
    key = (api_version, kind, version)
    carried = _carried_schemas.get(key, _UNKNOWN)
    if carried is _UNKNOWN:
        schema = catalyst_schema_for(api_version, kind) or flux_schema_for(api_version, kind)
        carried = schema if schema is not None else kind_schema(api_version, kind, version)
        _carried_schemas[key] = carried
    return carried


def has_schema(
    api_version: str, kind: str, kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
) -> bool:
    """Whether blueprintc carries a schema for the kind (`schema_validator` is not None),
    found without building a validator."""
    return _carried_schema(api_version, kind, kubernetes_version) is not None


def _envelope(obj: dict[Any, Any]) -> Iterator[SchemaError]:
    """What every object needs before its kind's schema can say more (plain Python: fast)."""
    for key in ("apiVersion", "kind"):
        value = obj.get(key)
        if value is None:
            yield SchemaError(key, "required field is missing")
        elif not isinstance(value, str) or not value:
            yield SchemaError(key, f"{value!r} is not a non-empty string")
    metadata = obj.get("metadata")
    if metadata is None:
        yield SchemaError("metadata", "required field is missing")
    elif isinstance(metadata, dict) and metadata.get("name") is None:
        yield SchemaError("metadata.name", "required field is missing")
    elif isinstance(metadata, dict) and metadata["name"] == "":
        yield SchemaError("metadata.name", "must not be empty")


def schema_validator(
    api_version: str, kind: str, kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
) -> Validator | None:
    """The cached validator for an apiVersion and kind, or None when blueprintc has no schema."""
    key = (api_version, kind, kubernetes_version)
    if key not in _dispatch:
        schema = catalyst_schema_for(api_version, kind) or flux_schema_for(api_version, kind)
        _dispatch[key] = (
            validator_for(schema)
            if schema is not None
            else kubernetes_validator(api_version, kind, kubernetes_version)
        )
    return _dispatch[key]


def catalyst_schema_for(api_version: str, kind: str) -> dict[str, Any] | None:
    """The schema of a Catalyst resource, or None when blueprintc carries none."""
    name = load_schema("catalyst/index.json").get(f"{api_version}/{kind}")
    return None if name is None else load_schema(f"catalyst/{name}")


@cache
def _carried() -> dict[str, list[str]]:
    """kind -> the apiVersions blueprintc carries a Catalyst or Flux schema for."""
    kinds: dict[str, list[str]] = {}
    for index in ("catalyst/index.json", "flux/index.json"):
        for key in load_schema(index):
            api_version, _, kind = key.rpartition("/")
            kinds.setdefault(kind, []).append(api_version)
    return kinds


def _no_schema(api_version: str, kind: str) -> str:
    message = f"no schema for {api_version} {kind}; blueprintc cannot vouch for it"
    others = _carried().get(kind)
    if others:
        message += f" (blueprintc carries {kind} as {', '.join(sorted(others))})"
    else:
        message += " (name a directory holding its CRD with --schema-location)"
    return message


def _errors(
    validator: Validator, obj: dict[str, Any], original: dict[str, Any]
) -> Iterator[SchemaError]:
    """`obj`'s errors; `original`: the object as rendered, before its nulls were left out."""
    for error in validator.iter_errors(obj):
        yield from _explain(most_specific_error(error), original)


def _explain(error: ValidationError, original: dict[str, Any]) -> Iterable[SchemaError]:
    path: PathKey = tuple(error.absolute_path)
    instance = error.instance
    if (message := _text_read_as_mapping(error, value_at(original, path))) is not None:
        return [SchemaError(json_path(path), message)]
    if error.validator == "required" and isinstance(instance, dict):
        missing = [key for key in error.validator_value if key not in instance]
        return [SchemaError(json_path((*path, key)), REQUIRED_MISSING) for key in missing]
    if error.validator == "additionalProperties" and error.validator_value is False:
        unknown = _unknown_keys(error.schema, instance)
        if unknown:
            return [SchemaError(json_path((*path, key)), "unknown field") for key in unknown]
    return [SchemaError(json_path(path), error_message(error))]


_SHOWN_TEXT = 60


def _text_read_as_mapping(error: ValidationError, value: Any) -> str | None:
    """Why text became a one-key mapping, for a type error that wanted text: YAML takes a
    `:` that ends a plain scalar, or that a space follows, as a key's (`- --image=repo:{{
    .Values.tag }}` with no tag renders `- --image=repo:`, a mapping). None for any other
    error or value. `value`: the one rendered, before its nulls were left out."""
    expected = error.validator_value
    wants_text = expected == "string" or (isinstance(expected, list) and "string" in expected)
    if error.validator != "type" or not wants_text or not isinstance(error.instance, dict):
        return None
    if not (isinstance(value, dict) and len(value) == 1):
        return None
    key, item = next(iter(value.items()))
    if not isinstance(key, str) or isinstance(item, (dict, list)):
        return None
    text = f"{key}:" if item is None else f"{key}: {item}"
    if len(text) > _SHOWN_TEXT:
        return None  # too long to quote whole: the schema's words, cut short
    return (
        f"`{text}` is read as a mapping, not text: a `:` ending plain text, or before a "
        "space, makes a key (a value left empty after it?); quote the text"
    )


def _unknown_keys(schema: Any, instance: Any) -> list[str]:
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return []
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in known and not any(re.search(pattern, key) for pattern in patterns)
    ]
