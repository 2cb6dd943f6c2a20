"""Resource quantities as the API server reads them, which no schema checks.

The OpenAPI schema types a quantity (`memory: 128Mi`) as any string or number; the API
server parses it (apimachinery's `resource.ParseQuantity`) while it decodes the object,
and refuses the whole object when it cannot: `Deployment in version "v1" cannot be
handled as a Deployment: quantities must match the regular expression ...`. Charts
ship these mistakes (`128MiB`, `4g`, `1GB`, `192i`) and Flux's HelmRelease then fails.
A container's resources are also validated as the API server validates them: a name
it knows (`cpu`, `memory`, `ephemeral-storage`, `hugepages-*`, or a qualified extended
resource), a request no greater than its limit, and, for a resource that cannot be
overcommitted (hugepages, extended resources), a request equal to its limit.

`parse_quantity` follows `parseQuantityString` and the suffix table of
`quantitySuffixer` exactly, for the text; the value is a `Decimal`, for comparing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from blueprintc.mapping import value_at
from blueprintc.validate.label_text import Problem
from blueprintc.validate.object_shapes import POD_CONTAINERS, POD_SPEC_PATHS, containers_of

FORMAT_WRONG = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
SUFFIX_WRONG = "unable to parse quantity's suffix"
_SUFFIX_LETTERS = frozenset("eEinumkKMGTP")
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12}
_DECIMAL_SUFFIXES |= {"P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_UNITS = (
    "Kubernetes' units are Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), "
    "with no B"
)
_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


@functools.lru_cache(maxsize=4096)
def quantity_value(value: Any) -> Decimal | None:
    """A quantity field's value (an integer, or text the API server reads); None when it
    has none to compare: unset, text it cannot read (`parse_quantity` says why), or text
    Flux substitutes first."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and "${" not in value:
        parsed = parse_quantity(value)
        return parsed if isinstance(parsed, Decimal) else None
    return None


def parse_quantity(text: str) -> Decimal | str:
    """The quantity's value, or why the API server refuses the text (its words). Asked
    once per distinct text: a catalog's quantities repeat."""
    text = text.strip()  # as UnmarshalJSON does
    if not text:
        return FORMAT_WRONG
    if text == "0":
        return Decimal(0)
    position = 1 if text[0] in "+-" else 0
    while position < len(text) and text[position].isdigit() and text[position].isascii():
        position += 1
    if position < len(text) and text[position] == ".":
        position += 1
        while position < len(text) and text[position].isdigit() and text[position].isascii():
            position += 1
    number, suffix = text[:position], text[position:]
    end = 0
    while end < len(suffix) and suffix[end] in _SUFFIX_LETTERS:
        end += 1
    if end < len(suffix) and suffix[end] in "+-":
        end += 1
    if not all(c in "0123456789" for c in suffix[end:]):
        return FORMAT_WRONG
    scale = _suffix_scale(suffix)
    if scale is None:
        return SUFFIX_WRONG
    digits = number.lstrip("+-")
    if digits in ("", "."):
        digits = "0"
    try:
        value = Decimal(digits) * scale
    except InvalidOperation:
        return "unable to parse numeric part of quantity"
    return -value if number.startswith("-") else value


def _suffix_scale(suffix: str) -> Decimal | None:
    if suffix in _DECIMAL_SUFFIXES:
        return Decimal(10) ** _DECIMAL_SUFFIXES[suffix]
    if suffix in _BINARY_SUFFIXES:
        return Decimal(2) ** _BINARY_SUFFIXES[suffix]
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = suffix[1:]
        if exponent.lstrip("+-").isdigit() and exponent.count("+") + exponent.count("-") <= 1:
            return Decimal(10) ** int(exponent)
    return None


def quantity_problems(obj: dict[str, Any]) -> list[Problem]:
    """Quantities the API server cannot read, and containers' resources it refuses."""
    kind = obj.get("kind")
    spec = obj.get("spec")
    if not isinstance(spec, dict) or not isinstance(kind, str):
        return []
    found: list[Problem] = []
    pod_path = POD_SPEC_PATHS.get(kind)
    if pod_path is not None:
        found.extend(_pod_spec_problems(value_at(obj, pod_path), ".".join(pod_path)))
    if kind == "PersistentVolumeClaim":
        found.extend(_map(spec.get("resources"), "spec.resources", ("requests", "limits")))
    if kind == "StatefulSet":
        templates = spec.get("volumeClaimTemplates")
        for index, claim in enumerate(templates if isinstance(templates, list) else ()):
            resources = value_at(claim, ("spec", "resources"))
            at = f"spec.volumeClaimTemplates[{index}].spec.resources"
            found.extend(_map(resources, at, ("requests", "limits")))
    if kind == "PersistentVolume":
        found.extend(_map(spec, "spec", ("capacity",)))
    if kind == "ResourceQuota":
        found.extend(_map(spec, "spec", ("hard",)))
    if kind == "LimitRange":
        limits = spec.get("limits")
        for index, limit in enumerate(limits if isinstance(limits, list) else ()):
            fields = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
            found.extend(_map(limit, f"spec.limits[{index}]", fields))
    return found


def _pod_spec_problems(pod: Any, at: str) -> Iterator[Problem]:
    if not isinstance(pod, dict):
        return
    for field, index, container in containers_of(pod, POD_CONTAINERS):
        resources = container.get("resources")
        if isinstance(resources, dict):
            yield from _resources(resources, f"{at}.{field}[{index}].resources")
    yield from _map(pod, at, ("overhead",))
    volumes = pod.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        size = value_at(volume, ("emptyDir", "sizeLimit"))
        if isinstance(size, str) and (problem := _text_problem(size)):
            yield f"{at}.volumes[{index}].emptyDir.sizeLimit", problem
        claim = value_at(volume, ("ephemeral", "volumeClaimTemplate", "spec", "resources"))
        where = f"{at}.volumes[{index}].ephemeral.volumeClaimTemplate.spec.resources"
        yield from _map(claim, where, ("requests", "limits"))


def _map(node: Any, at: str, fields: tuple[str, ...]) -> Iterator[Problem]:
    """The quantities of each of `node`'s `fields`, maps of a resource name to one."""
    if not isinstance(node, dict):
        return
    for field in fields:
        quantities = node.get(field)
        for name, quantity in quantities.items() if isinstance(quantities, dict) else ():
            if isinstance(quantity, str) and (problem := _text_problem(quantity)):
                yield f"{at}.{field}.{name}", problem


def _text_problem(text: str) -> str | None:
    if "${" in text:  # Flux substitutes it first
        return None
    parsed = parse_quantity(text)
    if not isinstance(parsed, str):
        return None
    return f"{text!r}: {parsed} ({_UNITS})"


def _resources(resources: dict[str, Any], at: str) -> Iterator[Problem]:
    """A container's `resources`, as `ValidateResourceRequirements` has them."""
    yield from _map(resources, at, ("limits", "requests"))
    limits, requests = resources.get("limits"), resources.get("requests")
    limits = limits if isinstance(limits, dict) else {}
    requests = requests if isinstance(requests, dict) else {}
    for field, names in (("limits", limits), ("requests", requests)):
        for name in names:
            if isinstance(name, str) and (problem := _resource_name_problem(name)):
                yield f"{at}.{field}.{name}", f"{name!r}: {problem}"
    for name, request in requests.items():
        if name not in limits or not isinstance(name, str):
            if isinstance(name, str) and not _overcommits(name) and "${" not in name:
                yield f"{at}.limits", "Limit must be set for non overcommitable resources"
            continue
        wanted, limit = _value(request), _value(limits[name])
        if wanted is None or limit is None:
            continue
        if wanted != limit and not _overcommits(name):
            message = f"must be equal to {name} limit of {limits[name]}"
            yield f"{at}.requests.{name}", f"{request!r}: {message}"
        elif wanted > limit:
            message = f"must be less than or equal to {name} limit of {limits[name]}"
            yield f"{at}.requests.{name}", f"{request!r}: {message}"


def _value(quantity: Any) -> Decimal | None:
    if isinstance(quantity, bool):
        return None
    if isinstance(quantity, int | float):
        return Decimal(str(quantity))
    if isinstance(quantity, str) and "${" not in quantity:
        parsed = parse_quantity(quantity)
        return parsed if isinstance(parsed, Decimal) else None
    return None


def _resource_name_problem(name: str) -> str | None:
    if "${" in name:
        return None
    if "/" not in name:
        if name in _CONTAINER_RESOURCES or name.startswith("hugepages-"):
            return None
        return "must be a standard resource for containers (cpu, memory, ephemeral-storage)"
    return None  # a qualified name: an extended resource (its name is not judged here)


def _overcommits(name: str) -> bool:
    """Native resources but hugepages may be requested below their limit."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")
