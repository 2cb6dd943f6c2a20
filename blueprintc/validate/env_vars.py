"""A container's environment variables as the API server validates them.

The schema passes `env[].valueFrom` beside a non-empty `value`, a `valueFrom` naming
two sources or none, and a `secretKeyRef` or `configMapKeyRef` whose `name` is empty or
left out; the API server refuses each (`valueFrom: Invalid value: "": may not be
specified when \\`value\\` is not empty`, `secretKeyRef.name: Invalid value: "": a
lowercase RFC 1123 subdomain must consist of ...`). Both are classic chart bugs: an
`existingSecret: ""` default rendered into the reference (jaegertracing's chart,
pact-broker's, an HMCTS chart's pipeline), and a values list or an operator's merge
that gives one variable both a `value` and a `valueFrom` (openhands' chart). Also
refused: an empty variable name or one with `=` or a character that is not printable
ASCII (the relaxed rule of Kubernetes 1.32, which the older one only narrows), a
downward-API `fieldPath` or `resource` an env var cannot read (`status.podIp`), and an
`envFrom` entry with no source, two, or an empty name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from blueprintc.validate.data_maps import config_key_problems
from blueprintc.validate.label_text import Problem, subdomain_problem
from blueprintc.validate.object_shapes import POD_CONTAINERS, containers_of
from blueprintc.validate.supported_values import unsupported_value

_VALUE_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
_KEY_SELECTORS = ("configMapKeyRef", "secretKeyRef")
_ENV_FROM_SOURCES = ("configMapRef", "secretRef")
# validEnvDownwardAPIFieldPathExpressions (hostIPs and podIPs: Kubernetes 1.28 and on).
_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
_SUBSCRIPTED_FIELD = re.compile(r"metadata\.(labels|annotations)\['.+'\]")
_RESOURCE_FIELDS = (
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
)
_HUGE_PAGES = ("limits.hugepages-", "requests.hugepages-")
_PRINTABLE_NAME = re.compile(r"[ -<>-~]+")  # printable ASCII but '='
_NAME_WORDS = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='"
)


def env_problems(pod: dict[str, Any], at: str) -> Iterator[Problem]:
    """The `env` and `envFrom` problems of the pod spec `pod`, found at path `at`.
    (Paths are made only for a problem: every pod template is asked.)"""
    for field, index, container in containers_of(pod, POD_CONTAINERS):
        env, env_from = container.get("env"), container.get("envFrom")
        if isinstance(env, list) and env:
            yield from _env(env, f"{at}.{field}[{index}].env")
        if isinstance(env_from, list) and env_from:
            yield from _env_from(env_from, f"{at}.{field}[{index}].envFrom")


def _env(env: list[Any], at: str) -> Iterator[Problem]:
    for index, variable in enumerate(env):
        if not isinstance(variable, dict):
            continue
        name = variable.get("name")
        if name is None or name == "":
            yield f"{at}[{index}].name", "Required value"
        elif problem := _name_problem(name):
            yield f"{at}[{index}].name", f"{name!r}: {problem}"
        source = variable.get("valueFrom")
        if isinstance(source, dict):
            yield from _value_from(source, variable.get("value"), f"{at}[{index}].valueFrom")


def _value_from(source: dict[str, Any], value: Any, at: str) -> Iterator[Problem]:
    given = [name for name in _VALUE_SOURCES if source.get(name) is not None]
    if not given:
        choices = ", ".join(f"`{name}`" for name in _VALUE_SOURCES)
        yield at, f'Invalid value: "": must specify one of: {choices}'
    elif value is not None and value != "" and not _substituted(value):
        yield (
            at,
            'Invalid value: "": may not be specified when `value` is not empty (the '
            "variable has both: keep one; a values list or a merge may have added the other)",
        )
    elif len(given) > 1:
        yield (
            at,
            f'Invalid value: "": may not have more than one field specified at a time '
            f"(it has {', '.join(sorted(given))})",
        )
    for selector in _KEY_SELECTORS:
        reference = source.get(selector)
        if isinstance(reference, dict):
            yield from _key_selector(reference, f"{at}.{selector}")
    yield from _downward(source, at)


def _downward(source: dict[str, Any], at: str) -> Iterator[Problem]:
    """The pod field or container resource an env var reads: one it can read."""
    field = source.get("fieldRef")
    path = field.get("fieldPath") if isinstance(field, dict) else None
    if isinstance(field, dict) and (path is None or path == ""):
        yield f"{at}.fieldRef.fieldPath", "Required value"
    elif isinstance(path, str) and not _substituted(path) and not _readable_field(path):
        yield f"{at}.fieldRef.fieldPath", unsupported_value(path, _FIELD_PATHS)
    resource_field = source.get("resourceFieldRef")
    resource = resource_field.get("resource") if isinstance(resource_field, dict) else None
    if _readable_resource(resource):
        return
    yield f"{at}.resourceFieldRef.resource", unsupported_value(resource, _RESOURCE_FIELDS)


def _key_selector(reference: dict[str, Any], at: str) -> Iterator[Problem]:
    """A Secret's or ConfigMap's key: the object's name (empty or left out is refused,
    whatever `optional` says) and the key."""
    name = reference.get("name")
    if name is None or name == "":
        kind = "Secret" if at.endswith("secretKeyRef") else "ConfigMap"
        yield (
            f"{at}.name",
            f"'': {subdomain_problem('')} (the {kind}'s name is empty: give the value that "
            "names it a default, or render this variable only when it is set)",
        )
    elif isinstance(name, str) and not _substituted(name) and (problem := subdomain_problem(name)):
        yield f"{at}.name", f"{name!r}: {problem}"
    key = reference.get("key")
    if key is None or key == "":
        yield f"{at}.key", "Required value"
    elif isinstance(key, str) and not _substituted(key):
        yield from ((f"{at}.key", f"{key!r}: {p}") for p in config_key_problems(key))


def _env_from(env_from: list[Any], at: str) -> Iterator[Problem]:
    for index, entry in enumerate(env_from):
        if not isinstance(entry, dict):
            continue
        prefix = entry.get("prefix")
        if isinstance(prefix, str) and prefix and (problem := _name_problem(prefix)):
            yield f"{at}[{index}].prefix", f"{prefix!r}: {problem}"
        given = [name for name in _ENV_FROM_SOURCES if entry.get(name) is not None]
        if not given:
            message = 'Invalid value: "": must specify one of: `configMapRef` or `secretRef`'
            yield f"{at}[{index}]", message
        elif len(given) > 1:
            yield (
                f"{at}[{index}]",
                'Invalid value: "": may not have more than one field specified at a time '
                "(it has configMapRef, secretRef)",
            )
        for source in given:
            reference = entry[source]
            name = reference.get("name") if isinstance(reference, dict) else None
            if name is None or name == "":
                yield f"{at}[{index}].{source}.name", "Required value"
            elif problem := _prefix_name_problem(name):  # a name prefix: a trailing '-' is allowed
                yield f"{at}[{index}].{source}.name", f"{name!r}: {problem}"


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or _substituted(name):
        return None
    return None if _PRINTABLE_NAME.fullmatch(name) else _NAME_WORDS


def _prefix_name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or _substituted(name):
        return None
    return subdomain_problem(name.removesuffix("-") or name)


def _readable_resource(resource: Any) -> bool:
    """Not a resource an env var cannot read (no text, or a substituted one, is left to
    the schema)."""
    if not isinstance(resource, str) or not resource or _substituted(resource):
        return True
    return resource in _RESOURCE_FIELDS or resource.startswith(_HUGE_PAGES)


def _readable_field(path: str) -> bool:
    return path in _FIELD_PATHS or _SUBSCRIPTED_FIELD.fullmatch(path) is not None


def _substituted(value: Any) -> bool:
    """A string Flux substitutes before the API server reads it (`${...}`)."""
    return isinstance(value, str) and "${" in value
