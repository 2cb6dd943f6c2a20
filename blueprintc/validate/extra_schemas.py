"""Schemas for kinds blueprintc does not carry, from local directories (`--schema-location`).

A compiled tree may hold objects of any kind: a plain manifest step of the kit
(`spec.kit.before`/`after`) can apply a cert-manager `ClusterIssuer`. blueprintc
refuses a kind it has no schema for, so a user names where the schemas are, as
with kubeconform's `-schema-location` (local directories only: validation never
touches the network). Each directory may hold, in any sub-directory:

- CustomResourceDefinition manifests (`*.yaml`, `*.yml`): each served version's
  `openAPIV3Schema` becomes a schema for `<group>/<version>` `<kind>`, made strict as
  an API server with structural schemas is (an unknown field is an error, except
  under `x-kubernetes-preserve-unknown-fields`); `nullable` admits null and
  `x-kubernetes-int-or-string` an integer or a string, as Kubernetes reads them;
- JSON Schema files named as in the CRDs-catalog layout kubeconform users share,
  `<group>/<kind>_<version>.json` (kind in lower case), taken as they are.

The first directory that defines a kind wins; blueprintc's own schemas (Catalyst,
Flux, Kubernetes) are consulted before any of them.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from blueprintc import yamldata
from blueprintc.diagnostics import one_line
from blueprintc.yamldoc import syntax_error

if TYPE_CHECKING:  # a sealed compile digests the locations without loading jsonschema
    from jsonschema.protocols import Validator

Schema = dict[str, Any]
Kind = tuple[str, str]  # (apiVersion, kind)
_FIX = "fix: correct the file there, or move it out of the schema location"


class SchemaLocationError(Exception):
    """A schema location that is not a readable directory, or a file in it that is not
    a schema: the message names the file and what is wrong."""


@dataclass
class ExtraSchemas:
    """The schemas of the given directories, by apiVersion and kind."""

    locations: tuple[Path, ...]
    schemas: dict[Kind, Schema] = field(default_factory=dict)
    origins: dict[Kind, str] = field(default_factory=dict)  # which file defined each
    _validators: dict[Kind, Validator] = field(default_factory=dict)

    @classmethod
    def load(cls, locations: Iterable[Path]) -> ExtraSchemas:
        extra = cls(tuple(locations))
        for location in extra.locations:
            for key, schema, origin in _location_schemas(location):
                if key not in extra.schemas:
                    extra.schemas[key] = schema
                    extra.origins[key] = origin
        return extra

    def schema(self, api_version: str, kind: str) -> Schema | None:
        """The schema of the kind (its case ignored, as the catalog layout's file names)."""
        return self.schemas.get((api_version, kind.lower()))

    def versions(self, group: str, kind: str) -> list[str]:
        """The apiVersions of `group` these schemas describe `kind` at, oldest first in
        Kubernetes' version priority (v1alpha1 < v1beta1 < v1 < v2)."""
        lowered = kind.lower()
        return sorted(
            (
                version
                for version, name in self.schemas
                if name == lowered and version.rpartition("/")[0] == group
            ),
            key=version_priority,
        )

    def validator(self, api_version: str, kind: str) -> Validator | None:
        key = (api_version, kind.lower())
        schema = self.schemas.get(key)
        if schema is None:
            return None
        if key not in self._validators:
            from blueprintc.schemas import validator_for

            self._validators[key] = validator_for(schema)
        return self._validators[key]


@functools.cache
def load_locations(locations: tuple[Path, ...]) -> ExtraSchemas:
    """`ExtraSchemas.load`, once per process for the same locations."""
    return ExtraSchemas.load(locations)


@functools.cache
def _location_schemas(location: Path) -> tuple[tuple[Kind, Schema, str], ...]:
    """Every schema of one location: (key, schema, the file defining it), in file order.
    Parsed once per process, whichever sets of locations it is part of: lint checks
    `schemaLocations` on its own first, then loads it with the shipped CRDs' directories,
    each also checked on its own first."""
    if not location.is_dir():
        raise SchemaLocationError(
            f"schema location {location} is not a directory; fix: create it, or correct "
            "`schemaLocations` in blueprintc.yaml (or --schema-location)"
        )
    return tuple(
        ((api_version, kind.lower()), schema, str(path))  # the catalog layout's file names
        for path in _files(location)
        for (api_version, kind), schema in _schemas_in(path, location)
    )


def schema_digest(locations: Iterable[Path]) -> str:
    """A digest of every file under the locations (their paths and bytes): a compile
    sealed against some schemas is not sealed against others."""
    digest = hashlib.sha256()
    for location in locations:
        digest.update(f"{location}\0".encode())
        for path in _files(location) if location.is_dir() else []:
            digest.update(f"{path}\0".encode())
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"unreadable")
    return digest.hexdigest()


def _files(location: Path) -> list[Path]:
    found = []
    for directory, dirnames, filenames in os.walk(location):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(directory, name) for name in sorted(filenames)]
    return found


def _schemas_in(path: Path, location: Path) -> list[tuple[Kind, Schema]]:
    if path.suffix in (".yaml", ".yml"):
        return list(_crd_schemas(path))
    if path.suffix == ".json":
        key = _catalog_key(path, location)
        if key is None:
            return []
        try:
            schema = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            where = f"{path}:{exc.lineno}:{exc.colno}"
            raise SchemaLocationError(f"{where}: not a JSON Schema ({exc.msg}); {_FIX}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaLocationError(f"{path}: not readable ({one_line(exc)})") from None
        if not isinstance(schema, dict):
            raise SchemaLocationError(f"{path}: not a JSON Schema (a {type(schema).__name__})")
        return [(key, schema)]
    return []


def _catalog_key(path: Path, location: Path) -> Kind | None:
    """`<group>/<kind>_<version>.json` -> (apiVersion, kind); the kind's case is the
    file's (lower), matched case-insensitively by the caller's lookup."""
    relative = path.relative_to(location).parts
    if len(relative) != 2 or "_" not in path.stem:
        return None
    kind, version = path.stem.rsplit("_", 1)
    return f"{relative[0]}/{version}", kind


def _crd_schemas(path: Path) -> Iterable[tuple[Kind, Schema]]:
    try:
        # libyaml's (upstream CRD files run to megabytes): CSafeLoader's data, faster
        documents = yamldata.load_all(path.read_text("utf-8"))
    except yaml.MarkedYAMLError as exc:
        line, column, problem = syntax_error(exc)
        raise SchemaLocationError(
            f"{path}:{line}:{column}: not readable YAML ({problem}); {_FIX}"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SchemaLocationError(f"{path}: not readable YAML ({one_line(exc)})") from None
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "CustomResourceDefinition":
            continue
        spec = document.get("spec") or {}
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        for version in spec.get("versions") or []:
            schema = ((version.get("schema") or {}).get("openAPIV3Schema")) or None
            if not (group and kind and isinstance(schema, dict) and version.get("served", True)):
                continue
            yield (f"{group}/{version['name']}", str(kind)), _object_schema(schema)


def _object_schema(schema: Schema) -> Schema:
    """A CRD version's schema for the whole object: strict, with the envelope every
    object carries (CRDs often leave `apiVersion`, `kind` and `metadata` out)."""
    result: Schema = _strict(copy.deepcopy(schema))
    properties = result.setdefault("properties", {})
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    properties.setdefault("metadata", {"type": "object"})
    if not result.get("x-kubernetes-preserve-unknown-fields", False):
        result.setdefault("additionalProperties", False)
    return result


def _strict(schema: Any) -> Any:
    """An OpenAPI v3 structural schema as the JSON Schema an API server enforces."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: _strict(value) for key, value in schema.items()}
    if result.pop("x-kubernetes-int-or-string", False):
        result.pop("type", None)
        result["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if result.pop("nullable", False) and isinstance(result.get("type"), str):
        result["type"] = [result["type"], "null"]
    preserve = result.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in result and "additionalProperties" not in result and not preserve:
        result["additionalProperties"] = False
    return result


_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d*))?$")
_STAGES = {"alpha": 0, "beta": 1, None: 2}


def version_priority(api_version: str) -> tuple[int, int, int, str]:
    """Kubernetes' order of an apiVersion's version: every GA above every beta above
    every alpha, each by number; a version of another shape below them all."""
    version = api_version.rpartition("/")[2]
    match = _KUBE_VERSION.match(version)
    if match is None:
        return (-1, 0, 0, version)
    major, stage, minor = match.groups()
    return (_STAGES[stage], int(major), int(minor or 0), version)
