"""A custom resource's nulls, as the API server treats them before it validates.

Since Kubernetes 1.20 the API server prunes, from every custom resource it decodes, each
mapping key whose value is null where the CRD's structural schema does not make the
field `nullable` (apiextensions-apiserver's `PruneNonNullableNullsWithoutDefaults`);
such a null with a `default` is given the default instead. Only then does it validate.
Helm renders an unset value as an empty key (`provider:`, null): velero's default
BackupStorageLocation carries `credential: null`, which the API server drops, and
`provider: null`, which it drops too, leaving a required field missing. A null inside a
list stays, as there.
"""

from __future__ import annotations

import copy
from typing import Any

from blueprintc.yamldoc import PathKey


def pruned_nulls(value: Any, schema: Any) -> tuple[Any, set[PathKey]]:
    """`value` with those nulls pruned (or defaulted) by `schema` (a CRD's, made JSON
    Schema: `nullable` is a `"null"` type), and the paths of the nulls pruned."""
    pruned: set[PathKey] = set()
    return _pruned(value, schema, (), pruned), pruned


def _pruned(value: Any, schema: Any, path: PathKey, pruned: set[PathKey]) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            field = _field(schema, key)
            if item is None and field is not None and not _nullable(field):
                if "default" in field:
                    result[key] = copy.deepcopy(field["default"])
                else:
                    pruned.add((*path, key))
                continue
            result[key] = _pruned(item, field, (*path, key), pruned)
        return result
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, dict) else None
        return [_pruned(item, items, (*path, index), pruned) for index, item in enumerate(value)]
    return value


def _field(schema: Any, key: str) -> Any:
    """The schema of `key` in a mapping of `schema`: its property, else the schema of
    additional properties; None when the schema describes none."""
    if not isinstance(schema, dict):
        return None
    properties = schema.get("properties")
    if isinstance(properties, dict) and key in properties:
        return properties[key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _nullable(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind == "null" or (isinstance(kind, list) and "null" in kind)
